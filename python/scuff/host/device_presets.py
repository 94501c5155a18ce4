"""A device's presets: the user's own, stored per plugin id (scuff.presets.store), and
`.vstpreset` files for VST3 devices (scuff.presets.vstpreset)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..errors import PresetError, PresetFormatError
from ..presets import store, vst3_state, vstpreset

if TYPE_CHECKING:
    from .device import Device

VSTPRESET_SUFFIX = ".vstpreset"


def _is_preset_file(preset: str | os.PathLike[str]) -> bool:
    return isinstance(preset, os.PathLike) or preset.lower().endswith(VSTPRESET_SUFFIX) or "/" in preset


class DevicePresets:
    """Part of `Device`: saving and loading presets."""

    def save_preset(self, name: str) -> Path:
        """Stores the device's state and parameter values as the preset `name` of its
        plugin (replacing one of that name), in the user's data folder
        ($XDG_DATA_HOME/scuff/presets). Returns the file written."""
        device = cast("Device", self)
        store.check_name(name)
        preset = store.StoredPreset(name, device.plugin_id, device.format, device.save(), device.param_values())
        return store.save(preset)

    def presets(self) -> list[str]:
        """The names of the presets stored for this device's plugin, sorted."""
        return store.names(cast("Device", self).plugin_id)

    def load_preset(self, preset: str | os.PathLike[str]) -> None:
        """Loads a stored preset by name, or a `.vstpreset` file by path (VST3 devices).
        Raises PresetNotFoundError for an unknown name, PresetFormatError for a damaged file
        or one made for another plugin; the device is then unchanged."""
        device = cast("Device", self)
        if _is_preset_file(preset):
            self._import_vstpreset(Path(preset))
            return
        stored = store.load(device.plugin_id, str(preset))
        device.load(stored.state)
        device.set_param_values(stored.params)

    def delete_preset(self, name: str) -> None:
        """Deletes a stored preset of this device's plugin."""
        store.delete(cast("Device", self).plugin_id, name)

    def export_preset(self, path: str | os.PathLike[str]) -> Path:
        """Writes the device's state as a `.vstpreset` file that other VST3 hosts load
        (VST3 devices only). Returns the path written. The file holds what the plugin
        itself saves: a plugin that takes parameter values only with a block of audio (DPF's,
        such as the zam plugins) saves values set since its last block only after the next
        one, so process a block first (`group.process`)."""
        device = cast("Device", self)
        self._require_vst3("export a .vstpreset")
        state = vst3_state.decode(device.save())
        data = vstpreset.write(vstpreset.VstPreset(device.plugin_id, state.component, state.controller))
        target = Path(path)
        temporary = target.with_name(f".{target.name}.tmp")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise PresetError(f"cannot write {target}: {error.strerror}") from None
        return target

    def _import_vstpreset(self, path: Path) -> None:
        device = cast("Device", self)
        self._require_vst3(f"load {path}")
        try:
            if path.stat().st_size > vstpreset.MAX_SIZE:
                raise PresetFormatError(f"{path} is too large to be a preset")
            data = path.read_bytes()
        except FileNotFoundError:
            raise PresetError(f"no preset file {path}") from None
        except IsADirectoryError:
            raise PresetError(f"{path} is a folder, not a preset file") from None
        except OSError as error:
            raise PresetError(f"cannot read {path}: {error.strerror}") from None
        preset = vstpreset.read(data, source=str(path))
        if preset.class_id != device.plugin_id.upper():
            raise PresetFormatError(
                f"{path} is a preset for the VST3 class {preset.class_id}, not for {device.name} "
                f"({device.plugin_id})")
        device.load(vst3_state.encode(vst3_state.Vst3State(preset.component, preset.controller)))

    def _require_vst3(self, what: str) -> None:
        device = cast("Device", self)
        if device.format != "vst3":
            raise PresetError(
                f"cannot {what}: {device.name} is a CLAP plugin and .vstpreset files hold VST3 states; "
                "save_preset() and load_preset(name) keep presets of any plugin")
