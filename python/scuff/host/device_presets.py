"""A device's presets: the user's own, stored per plugin id (scuff.presets.store),
`.vstpreset` files for VST3 devices (scuff.presets.vstpreset), and for CLAP devices the
plugin's own preset files and built-in presets, through its clap.preset-load extension."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from ..errors import PresetError, PresetFormatError, ScuffError
from ..presets import store, vst3_state, vstpreset
from ..wire import requests
from ..wire.clap_preset import ClapPreset
from ..wire.replies import PresetListReply

if TYPE_CHECKING:
    from .device import Device

VSTPRESET_SUFFIX = ".vstpreset"
# Larger than any preset file a plugin writes; a bigger file is refused before it is copied.
MAX_CLAP_PRESET_FILE = 256 * 1024 * 1024
# A load key names one preset: a bound keeps a request small.
MAX_LOAD_KEY = 4096


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
        """Loads a stored preset by name, or a preset file by path: a `.vstpreset` file for a
        VST3 device, a file of the plugin's own format for a CLAP device that offers
        clap.preset-load (as `load_clap_preset(path)`). Raises PresetNotFoundError for an
        unknown name, PresetFormatError for a damaged file or one made for another plugin
        (the device is then unchanged), PresetError when the plugin cannot load the file."""
        device = cast("Device", self)
        if _is_preset_file(preset):
            path = Path(preset)
            if device.format == "clap" and path.suffix.lower() != VSTPRESET_SUFFIX:
                self.load_clap_preset(path)
            else:
                self._import_vstpreset(path)
            return
        stored = store.load(device.plugin_id, str(preset))
        device.load(stored.state)
        device.set_param_values(stored.params)

    @property
    def has_preset_load(self) -> bool:
        """Whether the plugin loads presets of its own format (a CLAP plugin offering
        clap.preset-load), as `load_clap_preset` does."""
        return cast("Device", self)._description.has_preset_load

    def clap_presets(self) -> list[ClapPreset]:
        """The presets the plugin's preset discovery (the CLAP preset-discovery factory of its
        file) lists for this plugin, in the order its providers tell them; empty when the
        file has no such factory. Each loads with `load_clap_preset(preset)`."""
        device = cast("Device", self)
        reply = device.sandbox.request(requests.list_presets(device.id), expect=PresetListReply)
        return list(reply.presets)

    def load_clap_preset(self, location: str | os.PathLike[str] | ClapPreset | None = None, *,
                         load_key: str | None = None, kind: Literal["file", "plugin"] = "file") -> None:
        """Has a CLAP plugin load a preset of its own format through clap.preset-load: one
        that `clap_presets()` listed; or, with kind "file", the preset file `location`
        (`load_key` picks one preset of a file that holds several); or, with kind "plugin",
        the plugin's built-in preset `load_key` (no location). A confined sandbox, which
        reads no folder of the user's, is given a copy of the file under the same name.
        Raises PresetError when the plugin does not offer clap.preset-load, or with the
        plugin's own reason when it fails to load; the file's problems (missing,
        unreadable) are PresetErrors too."""
        device = cast("Device", self)
        if isinstance(location, ClapPreset):
            if load_key is not None:
                raise PresetError("a listed preset carries its own load key")
            self._require_preset_load(f"load its preset {location.name!r}")
            # A listed location is where the sandbox itself found the preset.
            self._load_clap_location(location.kind, location.location, location.load_key)
            return
        if kind not in ("file", "plugin"):
            raise PresetError(f'a CLAP preset location kind is "file" or "plugin", not {kind!r}')
        if load_key is not None and (not isinstance(load_key, str) or len(load_key.encode()) > MAX_LOAD_KEY
                                     or "\0" in load_key):
            raise PresetError(f"a load key is a str of at most {MAX_LOAD_KEY} bytes without NUL, not {load_key!r}")
        self._require_preset_load(f"load {location}" if location is not None else f"load its preset {load_key!r}")
        if kind == "plugin":
            if location is not None:
                raise PresetError("a built-in preset (kind \"plugin\") has no location: name it with load_key")
            if load_key is None:
                raise PresetError("a built-in preset (kind \"plugin\") is named by its load_key")
            self._load_clap_location("plugin", None, load_key)
            return
        if location is None:
            raise PresetError("a CLAP preset file needs its path")
        path = Path(location)
        try:
            if not path.is_file():
                raise PresetError(f"no preset file {path}" if not path.exists() else f"{path} is not a preset file")
            if path.stat().st_size > MAX_CLAP_PRESET_FILE:
                raise PresetFormatError(f"{path} is too large to be a preset")
            with device.sandbox.readable_file(path) as seen:
                self._load_clap_location("file", seen, load_key)
        except ScuffError:
            # A sandbox's timeout is an OSError too: it is not the file's.
            raise
        except OSError as error:
            raise PresetError(f"cannot read {path}: {error.strerror}") from None

    def _require_preset_load(self, what: str) -> None:
        device = cast("Device", self)
        if not self.has_preset_load:
            raise PresetError(
                f"cannot {what}: {device.name} ({device.plugin_id}) does not offer clap.preset-load"
                + ("; save_preset() and load_preset(name) keep presets of any plugin" if device.format == "clap"
                   else " (it is a VST3 plugin: load_preset takes .vstpreset files)"))

    def _load_clap_location(self, kind: Literal["file", "plugin"], location: str | None,
                            load_key: str | None) -> None:
        device = cast("Device", self)
        device.sandbox.request(requests.load_preset_from(device.id, kind, location, load_key))
        # What a restart restores: the state the preset left.
        device.save()

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
