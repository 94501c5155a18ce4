"""Finding a plugin from what a person types: a file path, a scanned id or a plugin's name."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import PluginLoadError, UnknownPluginError
from ..formats import plugin_format
from .plugin_info import PluginInfo

PluginRef = str | os.PathLike[str] | PluginInfo


def looks_like_path(text: str) -> bool:
    """Whether what a person typed is meant as a path rather than a plugin id or name."""
    return (os.sep in text or plugin_format(text) is not None or text.startswith(("~", "."))
            or os.path.exists(text))


def find_plugin(scan: Callable[[], list[PluginInfo]], plugin: PluginRef) -> PluginInfo | Path:
    """A PluginInfo, or the path of a plugin file. A string that is not a path is a scanned
    id or, failing that, a plugin name (case does not matter), looked for in what `scan()`
    returns (a client's scan: from its cache when nothing changed)."""
    if isinstance(plugin, PluginInfo):
        return plugin
    if isinstance(plugin, os.PathLike) or looks_like_path(plugin):
        path = Path(os.fspath(plugin)).expanduser()
        if not path.exists():
            raise PluginLoadError(f"no such plugin file: {path}")
        return path
    plugins = scan()
    for by_name in (False, True):
        found = [info for info in plugins
                 if (info.name.lower() == plugin.lower() if by_name else info.id == plugin)]
        if found:
            # A CLAP build and a VST3 build of one plugin share a name: CLAP comes first.
            return sorted(found, key=lambda info: info.format != "clap")[0]
    raise UnknownPluginError(f"no installed plugin has the id or name {plugin!r} (see `scuff scan`), "
                             "and it is not a plugin file")
