"""The user's presets: one JSON file per preset, in a folder per plugin id under the
user's data folder ($XDG_DATA_HOME/scuff/presets, else ~/.local/share/scuff/presets).

A preset file is `{"format": "scuff-preset", "version": 1, "plugin_id", "plugin_format",
"name", "state" (the device state, base64), "params" ({id: plain value})}`."""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from ..errors import PresetError, PresetFormatError, PresetNotFoundError

FORMAT = "scuff-preset"
VERSION = 1
SUFFIX = ".scuffpreset"
# A state larger than this is no preset (the sandbox refuses states over 256 MiB too).
MAX_FILE_SIZE = 400 * 1024 * 1024
_MAX_NAME = 200


@dataclass(frozen=True)
class StoredPreset:
    """A preset as stored: the device state and the parameter values beside it."""

    name: str
    plugin_id: str
    plugin_format: str
    state: bytes
    params: dict[int, float]


def presets_folder() -> Path:
    """Where presets are kept: `scuff/presets` in XDG_DATA_HOME, else ~/.local/share."""
    base = os.environ.get("XDG_DATA_HOME")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "scuff" / "presets"


def _plugin_folder(plugin_id: str) -> Path:
    return presets_folder() / quote(plugin_id, safe="-_.")


def check_name(name: object) -> str:
    """A preset's name: any text of 1 to 200 characters without "/", control characters or
    surrounding spaces."""
    if not isinstance(name, str):
        raise PresetError(f"a preset's name is a str, not {type(name).__name__}")
    if not name or len(name) > _MAX_NAME or name != name.strip() or name in (".", ".."):
        raise PresetError(f"{name!r} cannot name a preset: 1 to {_MAX_NAME} characters, no surrounding spaces")
    if "/" in name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise PresetError(f"{name!r} cannot name a preset: no '/' or control characters")
    return name


def preset_path(plugin_id: str, name: str) -> Path:
    return _plugin_folder(plugin_id) / (quote(check_name(name), safe=" -_.,()+=@") + SUFFIX)


def names(plugin_id: str) -> list[str]:
    """The names of the presets stored for a plugin, sorted."""
    folder = _plugin_folder(plugin_id)
    if not folder.is_dir():
        return []
    return sorted((unquote(p.name[:-len(SUFFIX)]) for p in folder.iterdir() if p.name.endswith(SUFFIX)),
                  key=str.casefold)


def save(preset: StoredPreset) -> Path:
    """Writes a preset (replacing one of the same name), atomically."""
    path = preset_path(preset.plugin_id, preset.name)
    document = {
        "format": FORMAT, "version": VERSION, "plugin_id": preset.plugin_id,
        "plugin_format": preset.plugin_format, "name": preset.name,
        "state": base64.b64encode(preset.state).decode("ascii"),
        "params": {str(param): value for param, value in sorted(preset.params.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(document, file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load(plugin_id: str, name: str) -> StoredPreset:
    """The stored preset; PresetNotFoundError when there is none, PresetFormatError when its
    file is damaged."""
    path = preset_path(plugin_id, name)
    try:
        if path.stat().st_size > MAX_FILE_SIZE:
            raise PresetFormatError(f"the preset file {path} is too large")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(repr(n) for n in names(plugin_id)) or "none"
        raise PresetNotFoundError(f"no preset {name!r} for {plugin_id} (stored: {known})") from None
    except UnicodeDecodeError:
        raise PresetFormatError(f"the preset file {path} is not text") from None
    return parse(text, plugin_id, str(path))


def parse(text: str, plugin_id: str, source: str) -> StoredPreset:
    """A preset file's content, checked to be a whole preset for `plugin_id`."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise PresetFormatError(f"{source} is not a preset file (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PresetFormatError(f"{source} is not a scuff preset file")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PresetFormatError(f"{source} has no valid format version")
    if version > VERSION:
        raise PresetFormatError(f"{source} was written in preset format {version}; this scuff reads up to {VERSION}")
    if document.get("plugin_id") != plugin_id:
        raise PresetFormatError(f"{source} is a preset for {document.get('plugin_id')!r}, not {plugin_id}")
    fields = (document.get("name"), document.get("plugin_format"), document.get("state"), document.get("params"))
    name, plugin_format, state, params = fields
    if not (isinstance(name, str) and isinstance(plugin_format, str) and isinstance(state, str)
            and isinstance(params, dict)):
        raise PresetFormatError(f"{source} lacks a name, plugin format, state or parameters")
    try:
        data = base64.b64decode(state, validate=True)
    except (binascii.Error, ValueError):
        raise PresetFormatError(f"{source} holds a damaged state (not base64)") from None
    values: dict[int, float] = {}
    for key, value in params.items():
        if not (key.isdigit() and len(key) <= 10 and isinstance(value, (int, float))
                and not isinstance(value, bool) and math.isfinite(value)):
            raise PresetFormatError(f"{source} holds a damaged parameter value {key!r}: {value!r}")
        values[int(key)] = float(value)
    return StoredPreset(name, plugin_id, plugin_format, data, values)


def delete(plugin_id: str, name: str) -> None:
    try:
        preset_path(plugin_id, name).unlink()
    except FileNotFoundError:
        raise PresetNotFoundError(f"no preset {name!r} for {plugin_id}") from None
