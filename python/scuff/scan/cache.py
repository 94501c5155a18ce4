"""The scan cache: what each plugin file held when it was last scanned, kept in a JSON
file in the user's cache folder so that a rescan only runs the scanner on what changed.

An entry is keyed by the file's path and valid while the file's stamp (its size and
modification time, or for a bundle those of everything inside; see `file_stamp`) is
unchanged. The whole cache is also stamped with the scanner executable it came from:
another scanner may report differently, so its entries are dropped. The file is replaced
atomically, so a crash mid-write leaves the previous cache. A cache file that cannot be
read is an empty cache, and one that cannot be written is left as it was: the cache never
makes a scan fail.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .plugin_info import PluginInfo
from .scanner_process import FileScan

CACHE_FILE_NAME = "scan-cache.json"
# Bumped whenever the meaning of a cached field changes. 2: fields may be null (unknown)
# and an entry says whether it was read from a VST3 moduleinfo.json.
CACHE_FORMAT = 2

Stamp = tuple[int, int]

# Every PluginInfo field and the type of its value; a tuple is cached as a JSON list and
# its item type is given as (tuple, item type).
_FIELD_KINDS: dict[str, type | tuple[type, type]] = {
    "id": str, "name": str, "vendor": str, "version": str, "format": str, "path": str,
    "features": (tuple, str), "has_gui": bool, "description": str, "audio_inputs": (tuple, int),
    "audio_outputs": (tuple, int), "note_inputs": int, "note_outputs": int, "param_count": int,
}
# The fields only a loaded plugin tells, null when unknown (read from moduleinfo.json).
_MAY_BE_UNKNOWN = frozenset({"has_gui", "audio_inputs", "audio_outputs", "note_inputs", "note_outputs",
                             "param_count"})


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """SCUFF_CACHE_DIR if set, else `scuff` in XDG_CACHE_HOME, else `~/.cache/scuff`."""
    environ = os.environ if environ is None else environ
    if environ.get("SCUFF_CACHE_DIR"):
        return Path(environ["SCUFF_CACHE_DIR"]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or ""
    # The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scuff"


def file_stamp(path: str | os.PathLike[str]) -> Stamp:
    """What must not change for a cached scan of `path` to stay valid: a file's size and
    modification time in ns. A bundle folder's stamp is made from the size and
    modification time of every file and folder inside it, so that touching or replacing
    the library in `Contents/x86_64-linux/` changes it, even with an older time. Raises
    OSError if `path` is gone."""
    status = os.stat(path)
    if not os.path.isdir(path):
        return status.st_size, status.st_mtime_ns
    digest = hashlib.blake2b(digest_size=8)
    entries = 0
    for folder, folders, files in os.walk(path, followlinks=True):
        folders.sort()
        for entry in [folder, *(os.path.join(folder, name) for name in sorted(files))]:
            with contextlib.suppress(OSError):
                inner = os.stat(entry)
                line = f"{os.path.relpath(entry, path)}\0{inner.st_size}\0{inner.st_mtime_ns}\0"
                digest.update(line.encode("utf-8", "surrogateescape"))
                entries += 1
    return entries, int.from_bytes(digest.digest(), "little")


class ScanCache:
    """Scan results by file path, loaded from and saved to `folder/scan-cache.json`."""

    def __init__(self, folder: str | os.PathLike[str], scanner_stamp: Stamp) -> None:
        self.path = Path(folder) / CACHE_FILE_NAME
        self._scanner_stamp = list(scanner_stamp)
        self._entries: dict[str, dict[str, Any]] = self._load()
        self._changed = False

    def get(self, path: str, stamp: Stamp) -> FileScan | None:
        """The cached scan of `path`, if it was made when the file had this stamp."""
        entry = self._entries.get(path)
        if entry is None or entry.get("stamp") != list(stamp):
            return None
        try:
            plugins = tuple(_plugin_from_json(plugin) for plugin in entry["plugins"])
            failed = tuple((str(plugin_id), str(error)) for plugin_id, error in entry["failed_plugins"])
            from_module_info = entry["from_module_info"]
            if not isinstance(from_module_info, bool):
                raise TypeError("cached from_module_info is not a bool")
            return FileScan(path, plugins, str(entry["error"]), failed, from_module_info=from_module_info)
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, scan: FileScan, stamp: Stamp) -> None:
        self._entries[scan.path] = {
            "stamp": list(stamp),
            "error": scan.error,
            "plugins": [dataclasses.asdict(plugin) for plugin in scan.plugins],
            "failed_plugins": [list(failure) for failure in scan.failed_plugins],
            "from_module_info": scan.from_module_info,
        }
        self._changed = True

    def forget_missing(self) -> None:
        """Drops the entries of files that no longer exist."""
        for path in [path for path in self._entries if not os.path.lexists(path)]:
            del self._entries[path]
            self._changed = True

    def save(self) -> bool:
        """Writes the cache if it changed: to a temporary file first, then renamed over
        the old one, so that readers see either the old cache or the new one. Returns
        false if it could not be written (a folder that cannot be created, a full disk)."""
        if not self._changed:
            return True
        document = {"format": CACHE_FORMAT, "scanner": self._scanner_stamp, "files": self._entries}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "w", encoding="utf-8") as file:
                json.dump(document, file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if isinstance(error, OSError):
                return False
            raise
        self._changed = False
        return True

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            with open(self.path, encoding="utf-8") as file:
                document = json.load(file)
        except (OSError, ValueError):
            return {}
        if (not isinstance(document, dict) or document.get("format") != CACHE_FORMAT
                or document.get("scanner") != self._scanner_stamp
                or not isinstance(document.get("files"), dict)):
            return {}
        return {path: entry for path, entry in document["files"].items()
                if isinstance(path, str) and isinstance(entry, dict)}


def _plugin_from_json(data: Any) -> PluginInfo:
    """A PluginInfo from its cached form; TypeError or ValueError if the form is wrong."""
    if not isinstance(data, dict):
        raise TypeError("a cached plugin is not an object")
    values: dict[str, Any] = {}
    for name, kind in _FIELD_KINDS.items():
        value = data[name]
        if value is None and name in _MAY_BE_UNKNOWN:
            values[name] = None
            continue
        if isinstance(kind, tuple):
            if not isinstance(value, list) or not all(_is_a(item, kind[1]) for item in value):
                raise TypeError(f"cached {name} is not a list of {kind[1].__name__}")
            value = tuple(value)
        elif not _is_a(value, kind):
            raise TypeError(f"cached {name} is not a {kind.__name__}")
        values[name] = value
    if values["format"] not in ("clap", "vst3"):
        raise ValueError(f"cached format {values['format']!r} is unknown")
    return PluginInfo(**values)


def _is_a(value: Any, kind: type) -> bool:
    # JSON's true and false are Python ints too, but never a count.
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
