"""Scanning many plugin files: one scuff-scan process per file, as many at once as the
machine has cores, each killed at its timeout; files unchanged since a cached scan are not
run again, and VST3 bundles that describe themselves in a moduleinfo.json are not run."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from ..confine.limits import SandboxLimits
from ..process.executables import executable
from .cache import ScanCache, Stamp, file_stamp
from .module_info import read_module_info
from .plugin_info import BrokenPlugin, PluginInfo
from .scanner_process import SCAN_TIMEOUT, FileScan, scan_file

LISTING_TIMEOUT = 2.0

# Called on the scanning thread after each file: (files done, files in all, the file).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ScanOutcome:
    """Every plugin a scan found, in the order of precedence of their files, and the files
    it could not read."""

    plugins: list[PluginInfo]
    broken: list[BrokenPlugin]


def scanner_stamp() -> Stamp:
    """The stamp of the scuff-scan executable: cached results made by another build of the
    scanner are not trusted."""
    return file_stamp(executable("scuff-scan"))


def scan_files(paths: Iterable[str], *, timeout: float = SCAN_TIMEOUT, cache: ScanCache | None = None,
               reuse_cache: bool = True, load_modules: bool = False, progress: Progress | None = None,
               workers: int | None = None, limits: SandboxLimits | None = None) -> ScanOutcome:
    """Scans every file of `paths` (absolute, each once) in scanner processes, at most
    `workers` at a time (the number of cores by default). Files whose scan `cache` holds
    are not run again, unless `reuse_cache` is false; every new scan is stored in it. Each
    scanner confines itself to `limits` (unconfined when None).

    A VST3 bundle with a usable moduleinfo.json is read from that file, not run, unless
    `load_modules` is true; then a cached scan read from such a file is not reused either.
    """
    paths = list(paths)
    scans: dict[str, FileScan] = {}
    stamps: dict[str, Stamp] = {}
    to_run: list[str] = []
    for path in paths:
        try:
            stamps[path] = file_stamp(path)
        except OSError as error:
            scans[path] = FileScan(path, (), f"the file cannot be read: {error.strerror or error}")
            continue
        cached = cache.get(path, stamps[path]) if cache is not None and reuse_cache else None
        if cached is not None and not (load_modules and cached.from_module_info):
            scans[path] = cached
            continue
        declared = None if load_modules else read_module_info(path)
        if declared is None:
            to_run.append(path)
            continue
        scans[path] = declared
        if cache is not None:
            cache.put(declared, stamps[path])

    total = len(paths)
    if progress is not None:
        for done, path in enumerate(scans, start=1):
            progress(done, total, path)
    with _ScannerRuns(timeout, workers or os.cpu_count() or 1, limits) as runs:
        for scan in runs.scan_all(to_run):
            scans[scan.path] = scan
            # Failures are cached too: a file that hangs the scanner would otherwise cost
            # the whole timeout on every scan. Touching the file, or not reusing the
            # cache, scans it again.
            if cache is not None:
                cache.put(scan, stamps[scan.path])
            if progress is not None:
                progress(len(scans), total, scan.path)
    if cache is not None:
        cache.forget_missing()
        cache.save()

    plugins: list[PluginInfo] = []
    broken: list[BrokenPlugin] = []
    for path in paths:
        scan = scans[path]
        if scan.error:
            broken.append(BrokenPlugin(path, scan.error))
        elif not scan.plugins and not scan.failed_plugins:
            broken.append(BrokenPlugin(path, "the file holds no plugins"))
        broken.extend(BrokenPlugin(path, error, plugin_id) for plugin_id, error in scan.failed_plugins)
        plugins.extend(scan.plugins)
    return ScanOutcome(plugins, broken)


class _ScannerRuns:
    """A pool of threads, each waiting on one scanner process. Leaving it early (an
    exception, Ctrl+C) cancels the files not started and kills the scanners running."""

    def __init__(self, timeout: float, workers: int, limits: SandboxLimits | None = None) -> None:
        self._timeout = timeout
        self._limits = limits
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scuff-scan")
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()
        self._aborted = False

    def __enter__(self) -> _ScannerRuns:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None:
            self._abort()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def scan_all(self, paths: list[str]) -> Iterable[FileScan]:
        """Yields each file's scan as soon as it is done, in no particular order."""
        pending: set[Future[FileScan]] = {self._pool.submit(self._scan, path) for path in paths}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def _scan(self, path: str) -> FileScan:
        """The whole file in one scanner; if that scanner crashed or hung, the file again
        plugin by plugin, so that one bad plugin does not hide the others."""
        whole = self._run(path)
        if not whole.scanner_failed:
            return whole
        # Listing creates no plugin instance, so it is quick unless loading the file is
        # what hangs: then a file that already cost a whole timeout need not cost another.
        listing = self._run(path, instantiate=False, timeout=min(self._timeout, LISTING_TIMEOUT))
        if listing.error or not listing.plugins:
            return whole
        plugins: list[PluginInfo] = []
        failed: list[tuple[str, str]] = []
        for listed in listing.plugins:
            alone = self._run(path, plugin_id=listed.id)
            if alone.error:
                failed.append((listed.id, alone.error))
            plugins.extend(alone.plugins)
        return FileScan(path, tuple(plugins), failed_plugins=tuple(failed))

    def _run(self, path: str, timeout: float | None = None, **options: Any) -> FileScan:
        """One scanner process, killed at once if the scan is aborted."""
        if self._aborted:
            return FileScan(path, (), "the scan was stopped", scanner_failed=True)
        processes: list[subprocess.Popen[bytes]] = []

        def started(process: subprocess.Popen[bytes]) -> None:
            processes.append(process)
            with self._lock:
                self._running.add(process)
                aborted = self._aborted
            if aborted:
                _kill_group(process)

        try:
            return scan_file(path, timeout or self._timeout, started=started, limits=self._limits, **options)
        finally:
            with self._lock:
                self._running.difference_update(processes)

    def _abort(self) -> None:
        with self._lock:
            self._aborted = True
            running = list(self._running)
        for process in running:
            _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # A reaped scanner's group id may belong to someone else by now.
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
