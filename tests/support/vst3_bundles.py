"""Copies of installed ZAM VST3 bundles with a moduleinfo.json of the test's making."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import scuff
from support.zam import ZAM_VST3_DIR

MODULE_INFO = "Contents/Resources/moduleinfo.json"


def json5_text(value: object, indent: str = "") -> str:
    """JSON as moduleinfotool writes it: a comma after every member, the last one too."""
    inner = indent + "  "
    if isinstance(value, dict):
        members = "".join(f"{inner}{json.dumps(key)}: {json5_text(item, inner)},\n" for key, item in value.items())
        return "{\n" + members + indent + "}"
    if isinstance(value, list):
        return "[\n" + "".join(f"{inner}{json5_text(item, inner)},\n" for item in value) + indent + "]"
    return json.dumps(value)


def audio_class(plugin: scuff.PluginInfo, **changes: object) -> dict[str, object]:
    """The class moduleinfotool would write for a scanned plugin."""
    return {"CID": plugin.id, "Category": "Audio Module Class", "Name": plugin.name, "Vendor": plugin.vendor,
            "Version": plugin.version, "SDKVersion": "VST 3.7.9", "Sub Categories": list(plugin.features),
            "Class Flags": 1, "Cardinality": 2147483647, "Snapshots": [], **changes}


def controller_class(name: str, cid: str) -> dict[str, object]:
    """An edit controller's class: part of the module, not a plugin."""
    return {"CID": cid, "Category": "Component Controller Class", "Name": f"{name} Controller",
            "Vendor": "Damien Zammit", "Version": "4.1.0", "SDKVersion": "VST 3.7.9", "Sub Categories": [],
            "Class Flags": 0, "Cardinality": 2147483647}


def module_info(*classes: dict[str, object]) -> str:
    return json5_text({
        "Name": "ZamComp", "Version": "4.1.0",
        "Factory Info": {"Vendor": "Damien Zammit", "URL": "http://www.zamaudio.com", "E-Mail": "",
                         "Flags": {"Unicode": True, "Classes Discardable": False,
                                   "Component Non Discardable": False}},
        "Compatibility": [], "Classes": list(classes)})


def bundle(folder: Path, text: str | bytes | None, *, name: str = "ZamComp", broken_library: bool = False,
           location: str = MODULE_INFO) -> Path:
    """A copy of an installed ZAM bundle in `folder` with `text` as its moduleinfo.json
    (none if None); with `broken_library`, its library is garbage no scanner could load."""
    copy = folder / f"{name}.vst3"
    shutil.copytree(ZAM_VST3_DIR / f"{name}.vst3", copy)
    if broken_library:
        (library,) = (copy / "Contents").glob(f"*-linux/{name}.so")
        library.write_bytes(os.urandom(8192))
    if text is not None:
        info = copy / location
        info.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            info.write_bytes(text)
        else:
            info.write_text(text)
    return copy


def unknown(plugin: scuff.PluginInfo, path: Path) -> scuff.PluginInfo:
    """What moduleinfo.json tells of a plugin at `path`: all but what needs it loaded."""
    return dataclasses.replace(plugin, path=str(path), has_gui=None, audio_inputs=None, audio_outputs=None,
                               note_inputs=None, note_outputs=None, param_count=None)
