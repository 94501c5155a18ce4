"""Which vendor a plugin comes from, before any sandbox loads it: a confined sandbox shows
its vendor's settings home, and that is fixed when its process starts. The vendor is what
a scan found, else what the scan cache holds for the file as it is now, else what a
listing of the file says (its VST3 moduleinfo.json, or `scuff-scan --list`, which creates
no plugin instance). Each file's answer is kept for the life of the process, as long as
the file is unchanged."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

from ..confine.limits import SandboxLimits
from .cache import ScanCache, Stamp, file_stamp
from .module_info import read_module_info
from .plugin_info import PluginInfo
from .pool import LISTING_TIMEOUT
from .scanner_process import FileScan, scan_file

_answers: dict[tuple[str, Stamp], tuple[PluginInfo, ...]] = {}
_lock = threading.Lock()


def plugin_vendor(path: str | os.PathLike[str], plugin_id: str | None, *, known: Iterable[PluginInfo],
                  cache: Callable[[], ScanCache | None], limits: SandboxLimits) -> str | None:
    """The vendor of the plugin `plugin_id` (or the first plugin) of the file at `path`;
    None when no scan, cache or listing tells. `known` are the plugins of the client's
    last scan; `cache` gives the scan cache, asked for only when they do not tell."""
    resolved = os.path.realpath(path)
    found = [p for p in known if os.path.realpath(p.path) == resolved]
    vendor = _pick(found, plugin_id)
    if vendor is not None:
        return vendor
    try:
        stamp = file_stamp(resolved)
    except OSError:
        return None
    with _lock:
        listed = _answers.get((resolved, stamp))
    if listed is None:
        listed = _listed(resolved, stamp, cache, limits)
        if listed:
            with _lock:
                _answers[(resolved, stamp)] = listed
    return _pick(listed, plugin_id)


def _listed(path: str, stamp: Stamp, cache: Callable[[], ScanCache | None],
            limits: SandboxLimits) -> tuple[PluginInfo, ...]:
    scan_cache = cache()
    cached: FileScan | None = scan_cache.get(path, stamp) if scan_cache is not None else None
    if cached is not None and cached.plugins:
        return cached.plugins
    declared = read_module_info(path)
    if declared is not None and declared.plugins:
        return declared.plugins
    return scan_file(path, LISTING_TIMEOUT, instantiate=False, limits=limits).plugins


def _pick(plugins: Iterable[PluginInfo], plugin_id: str | None) -> str | None:
    plugins = list(plugins)
    for plugin in plugins:
        if plugin_id is None or plugin.id == plugin_id:
            return plugin.vendor
    return None
