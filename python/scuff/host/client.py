"""The client: owns the groups, their sandbox processes and the background thread."""

from __future__ import annotations

import itertools
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..confine.limits import SandboxLimits
from ..confine.plugin_folders import plugin_folder, remember_plugin_folder
from ..errors import PluginLoadError, ScuffError, UnknownPluginError
from ..formats import plugin_format
from ..formats import standard_folders as format_folders
from ..process.event_loop import EventLoop
from ..process.private_dirs import remove_stale_private_dirs
from ..scan.cache import ScanCache, default_cache_dir
from ..scan.lookup import looks_like_path
from ..scan.plugin_files import find_plugin_files
from ..scan.plugin_info import BrokenPlugin, PluginInfo
from ..scan.pool import Progress, scan_files, scanner_stamp
from ..scan.scanner_process import SCAN_TIMEOUT
from ..scan.vendor_lookup import plugin_vendor
from .async_forms import ClientAsync
from .group import Group
from .sessions import ClientSessions
from .status import SandboxEvent
from .supervisor import Supervisor

if TYPE_CHECKING:
    from ..confine.refusals import Refusal
    from ..wire.param import Param
    from .device import Device
    from .sandbox import Sandbox

log = logging.getLogger("scuff")


class Client(ClientSessions, ClientAsync):
    """The entry point: create groups, sandboxes and devices. Use it as a context manager,
    or call `close()`, so that every sandbox process is stopped."""

    def __init__(self, *, control_timeout: float = 10.0, load_timeout: float = 30.0,
                 autosave_interval: float | None = 1.0,
                 on_sandbox_state: Callable[[SandboxEvent], None] | None = None,
                 cache_dir: str | os.PathLike[str] | None = None,
                 default_limits: SandboxLimits | None = None,
                 app_name: str | None = None, parent_window: int | None = None,
                 on_param_edit: Callable[[Device, Param, float], None] | None = None,
                 on_refusal: Callable[[Sandbox, Refusal], None] | None = None) -> None:
        """`control_timeout` bounds every control request (parameters, states), and
        `load_timeout` the creation of a device; a sandbox that misses either becomes
        unresponsive. Devices whose parameters or state changed are saved in the
        background every `autosave_interval` seconds (None turns autosave off).
        `on_sandbox_state` is called, on a thread of its own, with every change of a
        sandbox's state. `cache_dir` is where `scan` keeps its cache; by default
        SCUFF_CACHE_DIR, else `scuff` in the user's cache folder (XDG_CACHE_HOME or ~/.cache).
        `default_limits` confines every sandbox created without limits of its own, and every
        scanner; by default `SandboxLimits()` (see docs/confinement.md).
        `app_name` (by default the program's name) and `parent_window` (the X11 id of the
        application's main window) are what plugin editors are parented to: each editor's
        window is titled with the application's name, carries it as `WM_CLASS` and is
        transient for `parent_window` (see docs/editors.md). `on_param_edit` is called, on a
        thread of its own, with the device, the parameter and its plain value each time a
        plugin changes a parameter itself, as from a gesture in its editor. `on_refusal` is
        called, on that thread too, with the sandbox and each refusal its confinement made
        (a file operation, a system call; at most a few a second), as `Sandbox.refusals`
        lists them."""
        if default_limits is not None and not isinstance(default_limits, SandboxLimits):
            raise ScuffError(f"default_limits is a scuff.SandboxLimits, not {type(default_limits).__name__}")
        self.default_limits = default_limits if default_limits is not None else SandboxLimits()
        remove_stale_private_dirs()
        self.control_timeout = float(control_timeout)
        self.load_timeout = float(load_timeout)
        self.autosave_interval = autosave_interval
        self.on_sandbox_state = on_sandbox_state
        self.app_name = app_name if app_name else (Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "scuff")
        if parent_window is not None and not (isinstance(parent_window, int) and 0 <= parent_window < 1 << 32):
            raise ScuffError(f"parent_window is an X11 window id, not {parent_window!r}")
        self.parent_window = parent_window
        self.on_param_edit = on_param_edit
        self.on_refusal = on_refusal
        self._cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self._events = EventLoop()
        # Sandboxes die with the thread that started them (PR_SET_PDEATHSIG), so they are
        # all started from this one thread, which lives as long as the client.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scuff-spawn")
        # Work that must not run on the event-loop thread (it waits for sandbox replies):
        # restarts, autosaves, recompiles.
        self._background = ThreadPoolExecutor(max_workers=4, thread_name_prefix="scuff-background")
        # State changes reach the user's callback in order, on a thread where the callback
        # may call back into scuff.
        self._notifier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scuff-notify")
        self._device_ids = itertools.count(1)
        self._groups: list[Group] = []
        self._known_plugins: dict[str, PluginInfo] = {}
        self._broken_plugins: list[BrokenPlugin] = []
        self._scanned = False
        self._lock = threading.Lock()
        self._closed = False
        self._supervisor = Supervisor(self)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            self.close()

    @property
    def groups(self) -> list[Group]:
        return list(self._groups)

    @property
    def broken_plugins(self) -> list[BrokenPlugin]:
        """Plugin files the last scan could not read, with the reason."""
        return list(self._broken_plugins)

    def scan(self, paths: Iterable[str | os.PathLike[str]] | None = None, *, standard_folders: bool = True,
             timeout: float = SCAN_TIMEOUT, use_cache: bool = True, load_modules: bool = False,
             progress: Progress | None = None) -> list[PluginInfo]:
        """Finds the plugins installed on this machine, without loading any in this process.

        Walks the standard plugin folders (unless `standard_folders` is false: CLAP_PATH,
        ~/.clap, /usr/local/lib/clap, /usr/lib/clap, then the same for VST3) and `paths`
        (plugin files, bundles or folders to walk), and runs one scuff-scan process per
        plugin file, as many at once as there are cores. A scanner still running after
        `timeout` seconds is killed. Files that did not change since the cached scan are
        not scanned again (`use_cache=False` scans everything and rewrites the cache).
        `progress(done, total, path)` is called after each file.

        A VST3 bundle with a moduleinfo.json (Contents/Resources) is listed from that file
        and not loaded at all, so its plugins' ports, parameter count and `has_gui` are
        None (unknown); a file that cannot be used is ignored and the bundle loaded.
        `load_modules=True` loads every bundle anyway, to learn those fields.

        Returns every plugin found, sorted by name, format and path. Files that could not
        be read are in `broken_plugins` afterwards. A plugin's `id` can then be given to
        `Sandbox.create_device`; when two files hold the same id, the one from `paths` or
        from the folder listed first wins.
        """
        if self._closed:
            raise ScuffError("the client is closed")
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        roots = [Path(p) for p in paths or ()]
        if standard_folders:
            roots += [folder for folder in format_folders() if folder.is_dir()]
        files = [str(path) for path in find_plugin_files(roots)]
        # Without use_cache the cache is not read, but what this scan finds is stored.
        cache = ScanCache(self._cache_dir, scanner_stamp())
        outcome = scan_files(files, timeout=timeout, cache=cache, reuse_cache=use_cache,
                             load_modules=load_modules, progress=progress, limits=self.default_limits)
        for plugin in outcome.plugins:
            remember_plugin_folder(plugin_folder(Path(plugin.path).resolve()))
        known: dict[str, PluginInfo] = {}
        for plugin in outcome.plugins:
            known.setdefault(plugin.id, plugin)
        with self._lock:
            self._known_plugins = known
            self._broken_plugins = outcome.broken
            self._scanned = True
        return sorted(outcome.plugins, key=lambda p: (p.name.casefold(), p.format, p.path, p.id))

    def create_group(self, sample_rate: float = 48000, block_size: int = 512, *,
                     cycle_timeout: float = 2.0, unresponsive_after: int = 3) -> Group:
        """A new group processing at `sample_rate` in blocks of at most `block_size` frames.

        `cycle_timeout` is how long one audio cycle waits for a sandbox before going on
        without it (its outputs are then silent for that block); a sandbox that misses
        `unresponsive_after` cycles in a row is unresponsive.
        """
        if self._closed:
            raise ScuffError("the client is closed")
        group = Group(self, sample_rate, block_size, cycle_timeout, unresponsive_after)
        with self._lock:
            self._groups.append(group)
        return group

    def close(self) -> None:
        """Stops every sandbox and the background thread."""
        if self._closed:
            return
        self._closed = True
        self._supervisor.close()
        for group in self.groups:
            group.close()
        self._background.shutdown(wait=True, cancel_futures=True)
        self._notifier.shutdown(wait=True)
        self._spawner.shutdown(wait=True)
        self._events.close()

    # --- used by groups and sandboxes ---

    def _forget_group(self, group: Group) -> None:
        """A closed group leaves the client, so that its shared memory can be freed."""
        with self._lock:
            if group in self._groups:
                self._groups.remove(group)

    def _notify(self, event: SandboxEvent) -> None:
        callback = self.on_sandbox_state
        if callback is None:
            return

        def deliver() -> None:
            try:
                callback(event)
            except Exception:
                log.exception("the on_sandbox_state callback failed")

        try:
            self._notifier.submit(deliver)
        except RuntimeError:
            pass  # the client is closing

    def _call_back(self, callback: Callable[..., object], *args: object) -> None:
        """Runs a user's callback in order with the others, on the notifier thread."""

        def deliver() -> None:
            try:
                callback(*args)
            except Exception:
                log.exception("a scuff callback failed")

        try:
            self._notifier.submit(deliver)
        except RuntimeError:
            pass  # the client is closing

    def _submit(self, work: Callable[..., object], *args: object) -> None:
        try:
            self._background.submit(work, *args)
        except RuntimeError:
            pass  # the client is closing

    def _next_device_id(self) -> int:
        with self._lock:
            return next(self._device_ids)

    def _spawn(self, args: Sequence[str], *, pass_fds: Sequence[int], output: int,
               env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(list(args), pass_fds=tuple(pass_fds), stdin=subprocess.DEVNULL,
                                    stdout=output, stderr=output, close_fds=True, env=env)

        return self._spawner.submit(start).result()

    def _resolve_plugin(self, plugin: object, plugin_id: str | None) -> tuple[Path, str | None]:
        """The file and plugin id that `create_device`'s argument stands for."""
        if isinstance(plugin, PluginInfo):
            return _hostable_file(Path(plugin.path)), plugin_id or plugin.id
        if isinstance(plugin, os.PathLike) or (isinstance(plugin, str) and looks_like_path(plugin)):
            path = Path(os.fspath(plugin)).expanduser()
            if not path.exists():
                raise PluginLoadError(f"no such plugin file: {path}")
            return _hostable_file(path).resolve(), plugin_id
        if isinstance(plugin, str):
            info = self._known_plugins.get(plugin)
            if info is None:
                raise UnknownPluginError(self._unknown_id_message(plugin))
            return _hostable_file(Path(info.path)), info.id
        raise PluginLoadError(
            f"a plugin is given as a file path, a PluginInfo or a scanned id, not {type(plugin).__name__}")

    def _plugin_vendor(self, plugin: object, path: Path, plugin_id: str | None) -> str | None:
        """The vendor of the plugin a device is about to be made of: a confined sandbox shows
        that vendor's settings home (None: unknown)."""
        if isinstance(plugin, PluginInfo):
            return plugin.vendor
        with self._lock:
            known = list(self._known_plugins.values())
        return plugin_vendor(path, plugin_id, known=known, cache=lambda: ScanCache(self._cache_dir, scanner_stamp()),
                             limits=self.default_limits)

    def _unknown_id_message(self, plugin_id: str) -> str:
        if not self._scanned:
            return (f"no plugin with the id {plugin_id!r} is known yet: client.scan() reads the "
                    "installed plugins and may find it; or pass the plugin file's path")
        return (f"the last scan found no plugin with the id {plugin_id!r}; a scan of the folder "
                "that holds it may find it (client.scan(paths=[...])), or pass the plugin file's path")


def _hostable_file(path: Path) -> Path:
    """`path`, if a sandbox can host the plugins of that file: a `.clap` file, or a
    `.vst3` bundle (or, rarely, a plain `.vst3` library file)."""
    if plugin_format(path) is None:
        raise PluginLoadError(f"not a plugin file (expected a .clap file or a .vst3 bundle): {path}")
    return path

