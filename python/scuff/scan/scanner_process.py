"""Running scuff-scan on one plugin file and reading its report (schema/scan_report.fbs).
The plugin is loaded only in the scanner's own process, never in the client's."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._native import verify_scan_report
from ..confine.environment import confined_environment
from ..confine.limits import SandboxLimits, confinement_arguments, readable_paths
from ..confine.plugin_folders import plugin_folder
from ..confine.report import ReportReader
from ..process.executables import executable
from ..process.exits import describe_exit
from ..process.private_dirs import make_private_dir, remove_private_dir
from ..protocol import ScanReport
from ..wire.bounds import MAX_PORTS, decode_text
from .plugin_info import PluginInfo

SCAN_TIMEOUT = 10.0
MAX_PLUGINS_PER_FILE = 10_000
MAX_FEATURES = 64


@dataclass(frozen=True)
class FileScan:
    """What one scanner run (or a VST3 bundle's moduleinfo.json) found in one file: its
    plugins, or why it could not."""

    path: str
    plugins: tuple[PluginInfo, ...]
    error: str = ""
    # (plugin id, error) for each plugin that could not be read when the file's other
    # plugins could.
    failed_plugins: tuple[tuple[str, str], ...] = ()
    # The scanner crashed, hung or printed nonsense, rather than reporting an error.
    scanner_failed: bool = False
    # Read from a VST3 bundle's moduleinfo.json, without loading the module: what only
    # an instance can tell (ports, parameters, editor) is unknown.
    from_module_info: bool = False


def scan_file(path: str | os.PathLike[str], timeout: float = SCAN_TIMEOUT, *, instantiate: bool = True,
              plugin_id: str | None = None,
              started: Callable[[subprocess.Popen[bytes]], None] | None = None,
              limits: SandboxLimits | None = None) -> FileScan:
    """Runs scuff-scan on one file; a crash, hang or garbage output becomes `error`.

    With `instantiate` false, the scanner reports only what the file's factory says, and
    creates no plugin; with `plugin_id`, it reads only that plugin. A scanner still
    running after `timeout` seconds is killed with everything it started. `started` is
    given the scanner process as soon as it runs, for a caller that may have to kill it
    sooner. The scanner confines itself to `limits` (unconfined when None) before it loads
    the file; the file's own folder is readable.
    """
    limits = limits if limits is not None else SandboxLimits.unconfined()
    private_dir = make_private_dir("scan") if limits.confine else None
    try:
        return _run_scanner(path, timeout, instantiate, plugin_id, started, limits, private_dir)
    finally:
        if private_dir is not None:
            remove_private_dir(private_dir)


def _run_scanner(path: str | os.PathLike[str], timeout: float, instantiate: bool, plugin_id: str | None,
                 started: Callable[[subprocess.Popen[bytes]], None] | None, limits: SandboxLimits,
                 private_dir: Path | None) -> FileScan:
    path = os.path.abspath(os.fspath(path))
    command = [str(executable("scuff-scan"))]
    if not instantiate:
        command.append("--list")
    if plugin_id is not None:
        command += ["--plugin", plugin_id]
    report_reader, report_writer = os.pipe()
    command += ["--report-fd", str(report_writer)]
    own_folders = [plugin_folder(Path(path)), plugin_folder(Path(path).resolve())]
    command += confinement_arguments(limits, private_dir=private_dir, readable=readable_paths(limits, own_folders))
    env = confined_environment(limits, private_dir)
    # Its own process group, so that a timeout also kills whatever the plugin started;
    # stderr (the plugin's chatter and the scanner's notes) is not read.
    try:
        process = subprocess.Popen([*command, path], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   start_new_session=True, pass_fds=(report_writer,), env=env)
    finally:
        os.close(report_writer)
    os.set_blocking(report_reader, False)
    try:
        with process:
            result = _wait_for_report(process, path, timeout, started)
        if not result.scanner_failed:
            return result
        # What the scanner reported before it died: a few short lines, written by now.
        reader = ReportReader(limits, lambda: f"the scanner of {path}", lambda _: None)
        with contextlib.suppress(BlockingIOError):
            reader.feed(os.read(report_reader, 1 << 16))
    finally:
        os.close(report_reader)
    if reader.forbidden_syscall is not None:
        return FileScan(path, (), f"the scanner was stopped: the plugin made a forbidden system call, "
                                  f"{reader.forbidden_syscall}", scanner_failed=True)
    if reader.memory_limit_reached:
        return FileScan(path, (), f"the scanner was stopped: the plugin reached the memory limit "
                                  f"({limits.memory_mb} MB)", scanner_failed=True)
    return result


def _wait_for_report(process: subprocess.Popen[bytes], path: str, timeout: float,
                     started: Callable[[subprocess.Popen[bytes]], None] | None) -> FileScan:
    if started is not None:
        started(process)
    try:
        report, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # Not yet reaped, so the group id still belongs to this scanner.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return FileScan(path, (), f"the scanner did not finish within {timeout:g} s and was killed",
                        scanner_failed=True)
    # The report is written before the plugin file is unloaded: a plugin that crashes on
    # unload still has its whole report on stdout.
    if process.returncode != 0 and not (report and verify_scan_report(report)):
        return FileScan(path, (), f"the scanner {describe_exit(process.returncode)}", scanner_failed=True)
    return read_report(path, report)


def read_report(path: str, data: bytes) -> FileScan:
    if not verify_scan_report(data):
        return FileScan(path, (), "the scanner produced a malformed report", scanner_failed=True)
    report = ScanReport.ScanReport.GetRootAs(data, 0)
    if report.Error():
        return FileScan(path, (), decode_text(report.Error()))
    count = min(report.PluginsLength(), MAX_PLUGINS_PER_FILE)
    return FileScan(path, tuple(_plugin(report.Plugins(i), path) for i in range(count)))


# `plugin` is a ScannedPlugin table of the code flatc generated, with no type hints.
def _plugin(plugin: Any, path: str) -> PluginInfo:
    def channels(count: int, get: Callable[[int], Any]) -> tuple[int, ...]:
        return tuple(get(i).Channels() for i in range(min(count, MAX_PORTS)))

    fmt = decode_text(plugin.Format())
    return PluginInfo(
        id=decode_text(plugin.Id()),
        name=decode_text(plugin.Name()),
        vendor=decode_text(plugin.Vendor()),
        version=decode_text(plugin.Version()),
        format="vst3" if fmt == "vst3" else "clap",
        path=path,
        features=tuple(decode_text(plugin.Features(i)) for i in range(min(plugin.FeaturesLength(), MAX_FEATURES))),
        has_gui=bool(plugin.HasGui()),
        description=decode_text(plugin.Description()),
        audio_inputs=channels(plugin.AudioInputsLength(), plugin.AudioInputs),
        audio_outputs=channels(plugin.AudioOutputsLength(), plugin.AudioOutputs),
        note_inputs=plugin.NoteInputs(),
        note_outputs=plugin.NoteOutputs(),
        param_count=plugin.ParamCount(),
    )
