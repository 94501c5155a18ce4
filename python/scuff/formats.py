"""The plugin formats scuff hosts, and the facts about each that do not need a plugin:
how a path tells its format, and where each format's plugins are installed on Linux.

A CLAP plugin is a `.clap` file; a VST3 plugin is a `.vst3` bundle folder (or, rarely, a
plain `.vst3` library file). The native side decides a path's format by the same rule
(`cpp/common`): the extension of the last path component, in any case.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

PluginFormat = Literal["clap", "vst3"]

SUFFIXES: dict[str, PluginFormat] = {".clap": "clap", ".vst3": "vst3"}

# Per format: the variable holding extra folders, then the standard folders, the user's
# own first.
_FOLDERS = {
    "CLAP_PATH": ("~/.clap", "/usr/local/lib/clap", "/usr/lib/clap"),
    "VST3_PATH": ("~/.vst3", "/usr/local/lib/vst3", "/usr/lib/vst3"),
}


def plugin_format(path: str | os.PathLike[str]) -> PluginFormat | None:
    """"clap" or "vst3" for a path that names a plugin file or bundle, else None."""
    name = os.fspath(path).rstrip("/")
    return SUFFIXES.get(os.path.splitext(name)[1].lower())


def standard_folders(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The folders a scan walks when given no paths, for CLAP then VST3: the folders named
    by CLAP_PATH and VST3_PATH (colon-separated) first, then the user's and the system's
    standard folders. A plugin id found twice keeps its first file, so this order is also
    the order of precedence."""
    environ = os.environ if environ is None else environ
    folders: list[Path] = []
    for variable, defaults in _FOLDERS.items():
        extra = [entry for entry in environ.get(variable, "").split(os.pathsep) if entry]
        for folder in (*extra, *defaults):
            path = Path(folder).expanduser()
            if path not in folders:
                folders.append(path)
    return folders
