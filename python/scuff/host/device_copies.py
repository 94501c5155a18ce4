"""What a device carries beside its plugin's state: the host's label for it, its parameter
values as a dict, the editor size to open with, and copies of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ..errors import ScuffError

if TYPE_CHECKING:
    from .device import Device
    from .sandbox import Sandbox


class DeviceCopies:
    """Part of `Device`: its label, parameter values and duplicates."""

    _label: str | None = None
    _editor_size_hint: tuple[int, int] | None = None

    @property
    def label(self) -> str:
        """The host's own name for the device (the plugin's name until one is given); kept
        in sessions and by `duplicate`."""
        device = cast("Device", self)
        return self._label if self._label is not None else device.name

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str) or len(label) > 1024:
            raise ScuffError(f"a device's label is text of at most 1024 characters, not {label!r}")
        self._label = label

    def param_values(self) -> dict[int, float]:
        """The current plain value of every parameter the host can set, by parameter id."""
        device = cast("Device", self)
        return {param.id: device.get_param(param) for param in device.params if not param.is_readonly}

    def set_param_values(self, values: dict[int, float]) -> None:
        """Sets each parameter of `values` (by id) that differs from its current value; ids
        the plugin does not have, read-only parameters and values outside a range are
        skipped."""
        device = cast("Device", self)
        known = {param.id: param for param in device.params}
        for param_id, value in values.items():
            param = known.get(param_id)
            if param is None or param.is_readonly or not param.min <= value <= param.max:
                continue
            if device.get_param(param) != value:
                device.set_param(param, value)

    def duplicate(self, sandbox: Sandbox | None = None) -> Device:
        """A new device of the same plugin, in `sandbox` (by default this device's), with
        this device's state, parameter values and label. The copy is independent: changing
        one changes nothing in the other. Nothing is left behind when the copy fails."""
        device = cast("Device", self)
        target = sandbox if sandbox is not None else device.sandbox
        state = device.save()
        values = self.param_values()
        copy = target.create_device(device.path, plugin_id=device.plugin_id)
        try:
            copy.load(state)
            copy.set_param_values(values)
        except BaseException:
            target.remove_device(copy)
            raise
        copy._label = self._label
        copy._editor_size_hint = self._editor_size_hint
        return copy
