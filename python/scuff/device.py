"""A device: one plugin instance living in a sandbox."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import _native
from . import client_messages as requests
from .errors import AudioFormatError, ParamError, StateError
from .param import Param
from .sandbox_messages import DeviceDescription, ParamValueReply, StateReply

if TYPE_CHECKING:
    from .sandbox import Sandbox


@dataclass(frozen=True)
class InputPort:
    """An audio input port of a device, as a key for `Group.render` and `connect`."""

    device: Device
    index: int

    @property
    def channels(self) -> int:
        return self.device.inputs[self.index]


@dataclass(frozen=True)
class OutputPort:
    """An audio output port of a device."""

    device: Device
    index: int

    @property
    def channels(self) -> int:
        return self.device.outputs[self.index]


ParamKey = int | str | Param


class Device:
    """One instance of a plugin, hosted in a sandbox process.

    Created with `Sandbox.create_device`. A Device used where a port is expected stands
    for its port 0.
    """

    def __init__(self, sandbox: Sandbox, device_id: int, description: DeviceDescription,
                 memory: _native.DeviceMemory) -> None:
        self._sandbox = sandbox
        self._id = device_id
        self._description = description
        self._memory = memory
        self._param_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<scuff.Device {self._id} {self.plugin_id!r} in sandbox {self._sandbox.pid}>"

    @property
    def id(self) -> int:
        return self._id

    @property
    def sandbox(self) -> Sandbox:
        return self._sandbox

    @property
    def plugin_id(self) -> str:
        return self._description.plugin_id

    @property
    def name(self) -> str:
        return self._description.name

    @property
    def params(self) -> list[Param]:
        """The plugin's parameters, as it last described them."""
        return list(self._description.params)

    @property
    def latency(self) -> int:
        """The plugin's processing latency, in samples."""
        return self._description.latency

    @property
    def inputs(self) -> list[int]:
        """The channel count of each audio input port."""
        return [port.channels for port in self._description.inputs]

    @property
    def outputs(self) -> list[int]:
        """The channel count of each audio output port."""
        return [port.channels for port in self._description.outputs]

    def input(self, index: int = 0) -> InputPort:
        if not 0 <= index < len(self._description.inputs):
            raise AudioFormatError(
                f"{self.name} has {len(self._description.inputs)} audio input port(s); "
                f"there is no input {index}")
        return InputPort(self, index)

    def output(self, index: int = 0) -> OutputPort:
        if not 0 <= index < len(self._description.outputs):
            raise AudioFormatError(
                f"{self.name} has {len(self._description.outputs)} audio output port(s); "
                f"there is no output {index}")
        return OutputPort(self, index)

    def param(self, key: ParamKey) -> Param:
        """The parameter with this id or name (exact, then ignoring case)."""
        if isinstance(key, Param):
            key = key.id
        params = self._description.params
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise ParamError(f"a parameter is named by its id or name, not {type(key).__name__}")
        if isinstance(key, int):
            found = [p for p in params if p.id == key]
        else:
            found = [p for p in params if p.name == key] or [
                p for p in params if p.name.casefold() == key.casefold()]
        if not found:
            names = ", ".join(repr(p.name) for p in params[:12])
            more = ", ..." if len(params) > 12 else ""
            raise ParamError(f"{self.name} has no parameter {key!r} (it has: {names}{more})")
        return found[0]

    def set_param(self, key: ParamKey, value: float) -> None:
        """Sets a parameter to a plain value within its range. The change reaches the
        plugin as an event on its audio thread before this returns."""
        self.schedule_param(key, value)
        self._sandbox._call(requests.flush_params(self._id))

    def schedule_param(self, key: ParamKey, value: float, frame: int = 0) -> None:
        """Queues a parameter change that the plugin applies at `frame` of the next block
        it processes (sample-accurate automation from `Group.process`)."""
        param = self.param(key)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ParamError(f"{param.name!r} needs a number, not {value!r}") from None
        if not math.isfinite(number) or not param.min <= number <= param.max:
            raise ParamError(
                f"{number!r} is outside the range of {param.name!r} "
                f"({param.min:g} to {param.max:g})")
        block_size = self._sandbox.group.block_size
        if not 0 <= frame < block_size:
            raise ParamError(f"frame must be within the block (0 to {block_size - 1}), not {frame}")
        with self._param_lock:
            if not self._memory.push_param_change(param.id, number, frame):
                raise ParamError(f"the parameter queue of {self.name} is full")

    def get_param(self, key: ParamKey) -> float:
        """The parameter's current plain value, as the plugin reports it."""
        param = self.param(key)
        reply = self._sandbox._call(requests.get_param_value(self._id, param.id))
        assert isinstance(reply, ParamValueReply)
        return reply.value

    def save(self) -> bytes:
        """The plugin's state, as opaque bytes."""
        reply = self._sandbox._call(requests.save_state(self._id))
        assert isinstance(reply, StateReply)
        return reply.data

    def load(self, state: bytes) -> None:
        """Restores a state saved by `save` (from this or another device of the same plugin)."""
        if not isinstance(state, (bytes, bytearray, memoryview)):
            raise StateError(f"a state is bytes, not {type(state).__name__}")
        self._sandbox._call(requests.load_state(self._id, bytes(state)))

    def _update(self, description: DeviceDescription) -> None:
        self._description = description
