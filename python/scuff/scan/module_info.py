"""A VST3 bundle's moduleinfo.json: the plugins it declares, read without loading the
module.

The VST3 SDK's `moduleinfotool` writes the file from the module's factory, in JSON5 (it
leaves trailing commas, and people add comments). It describes each class (id, category,
name, vendor, version, subcategories) but nothing that needs an instance: audio ports,
note ports, parameters and the editor stay unknown (None). The file comes with the
plugin and is not trusted: a file that is too large, is not JSON5, lacks a key or has a
value of the wrong type, declares no audio class, or repeats a class id cannot be used,
and the bundle is then scanned by loading it, as if it had no such file.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import json5

from .plugin_info import PluginInfo
from .scanner_process import MAX_FEATURES, MAX_PLUGINS_PER_FILE, FileScan

log = logging.getLogger("scuff.scan")

# Contents/Resources since VST3 SDK 3.7.8 (macOS code signing wants nothing loose in
# Contents); SDK 3.7.5 to 3.7.7 wrote it in Contents.
LOCATIONS = ("Contents/Resources/moduleinfo.json", "Contents/moduleinfo.json")
# moduleinfotool writes well under a kilobyte per class. The JSON5 parser is written in
# Python and slow on large input, so a file this large is refused unread.
MAX_BYTES = 1 << 20
AUDIO_MODULE_CLASS = "Audio Module Class"

_CLASS_ID = re.compile(r"[0-9A-Fa-f]{32}")


class ModuleInfoError(ValueError):
    """A moduleinfo.json that cannot be used; the message says why."""


def module_info_path(bundle: str | os.PathLike[str]) -> str | None:
    """The moduleinfo.json of a VST3 bundle folder, or None if it has none."""
    for location in LOCATIONS:
        candidate = os.path.join(bundle, location)
        # Not a FIFO or a device that would block or never end.
        if os.path.isfile(candidate):
            return candidate
    return None


def read_module_info(bundle: str) -> FileScan | None:
    """The plugins that `bundle`'s moduleinfo.json declares, or None if it has none or
    the file cannot be used (then the reason is logged at debug level)."""
    if not os.path.isdir(bundle):
        return None
    path = module_info_path(bundle)
    if path is None:
        return None
    try:
        plugins = plugins_from_module_info(_read_text(path), bundle)
    except ModuleInfoError as error:
        log.debug("%s is not used, the bundle is loaded instead: %s", path, error)
        return None
    return FileScan(bundle, plugins, from_module_info=True)


def plugins_from_module_info(text: str, bundle: str) -> tuple[PluginInfo, ...]:
    """One PluginInfo for each "Audio Module Class" of a moduleinfo.json's text; the
    other classes (edit controllers, compatibility classes) are not plugins. Raises
    ModuleInfoError if the text is not a usable moduleinfo.json."""
    document = _parse(text)
    _expect(document, dict, "the document")
    factory = _field(document, "Factory Info", dict, "the document")
    factory_vendor = _field(factory, "Vendor", str, '"Factory Info"')
    classes = _field(document, "Classes", list, "the document")
    if len(classes) > MAX_PLUGINS_PER_FILE:
        raise ModuleInfoError(f"{len(classes)} classes are more than the {MAX_PLUGINS_PER_FILE} a file may hold")
    plugins: list[PluginInfo] = []
    for number, entry in enumerate(classes):
        where = f"class {number}"
        _expect(entry, dict, where)
        class_id = _field(entry, "CID", str, where)
        if not _CLASS_ID.fullmatch(class_id):
            raise ModuleInfoError(f"{where}: the CID {class_id[:40]!r} is not 32 hex digits")
        category = _field(entry, "Category", str, where)
        name = _field(entry, "Name", str, where)
        vendor = _field(entry, "Vendor", str, where)
        version = _field(entry, "Version", str, where)
        features = _features(entry.get("Sub Categories", []), where)
        if category != AUDIO_MODULE_CLASS:
            continue
        plugins.append(PluginInfo(
            # The scanner's id: the class id's bytes in order, as uppercase hex.
            id=class_id.upper(), name=name, vendor=vendor or factory_vendor, version=version, format="vst3",
            path=bundle, features=features, has_gui=None, audio_inputs=None, audio_outputs=None,
            note_inputs=None, note_outputs=None, param_count=None,
        ))
    if not plugins:
        # A factory may make its classes only when loaded: an empty list proves nothing.
        raise ModuleInfoError(f'no class is an "{AUDIO_MODULE_CLASS}"')
    ids = [plugin.id for plugin in plugins]
    if len(set(ids)) != len(ids):
        raise ModuleInfoError("two audio classes have the same CID")
    return tuple(plugins)


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise ModuleInfoError(f"it cannot be read: {error.strerror or error}") from error
    if len(data) > MAX_BYTES:
        raise ModuleInfoError(f"it is larger than {MAX_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ModuleInfoError(f"it is not UTF-8 text: {error}") from error


def _parse(text: str) -> Any:
    try:
        # The SDK's own parser refuses a key given twice; so does this one.
        return json5.loads(text, allow_duplicate_keys=False)
    except Exception as error:
        # Whatever a third-party parser raises on hostile input (ValueError, deep
        # nesting's RecursionError, ...) means the file is unusable, never a failed scan.
        raise ModuleInfoError(f"it is not JSON5: {error}") from error


def _field(container: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in container:
        raise ModuleInfoError(f'{where} has no "{key}"')
    value = container[key]
    _expect(value, kind, f'"{key}" of {where}')
    return value


def _expect(value: Any, kind: type, what: str) -> None:
    if not isinstance(value, kind):
        names: dict[type, str] = {dict: "an object", list: "an array", str: "a string"}
        raise ModuleInfoError(f"{what} is not {names.get(kind, kind.__name__)}")


def _features(sub_categories: Any, where: str) -> tuple[str, ...]:
    """"Sub Categories" as the scanner gives them: moduleinfotool writes an array, the
    factory a `|`-separated string; both are split on `|`, empty parts dropped."""
    if isinstance(sub_categories, str):
        sub_categories = [sub_categories]
    if not isinstance(sub_categories, list) or not all(isinstance(item, str) for item in sub_categories):
        raise ModuleInfoError(f'"Sub Categories" of {where} is not an array of strings')
    parts = [part for part in "|".join(sub_categories).split("|") if part]
    return tuple(parts[:MAX_FEATURES])
