"""Finding a plugin from what a person types: a file path, a scanned id or a plugin's name."""

from __future__ import annotations

import os
from pathlib import Path

from .client import Client
from .errors import PluginLoadError, UnknownPluginError
from .plugin_info import PluginInfo

PluginRef = str | os.PathLike[str] | PluginInfo


def looks_like_path(text: str) -> bool:
    return os.sep in text or text.endswith((".clap", ".vst3")) or text.startswith(("~", "."))


def find_plugin(client: Client, plugin: PluginRef, plugin_id: str | None = None) -> PluginInfo | Path:
    """A PluginInfo, or the path of a plugin file (with `plugin_id` naming one of its plugins).
    A string that is not a path is a scanned id or, failing that, a plugin name (case does not
    matter); the installed plugins are scanned (from the cache when unchanged) to find it."""
    if isinstance(plugin, PluginInfo):
        return plugin
    if isinstance(plugin, os.PathLike) or looks_like_path(plugin):
        path = Path(os.fspath(plugin)).expanduser()
        if not path.exists():
            raise PluginLoadError(f"no such plugin file: {path}")
        return path
    plugins = client.scan()
    for by_name in (False, True):
        found = [info for info in plugins
                 if (info.name.lower() == plugin.lower() if by_name else info.id == plugin)]
        if found:
            # A CLAP build and a VST3 build of one plugin share a name: CLAP comes first.
            return sorted(found, key=lambda info: info.format != "clap")[0]
    raise UnknownPluginError(f"no installed plugin has the id or name {plugin!r} (see `scuff scan`), "
                             "and it is not a plugin file")
