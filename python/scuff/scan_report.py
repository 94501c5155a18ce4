"""Running scuff-scan on one plugin file and reading its report (schema/scan_report.fbs).
The plugin is loaded only in the scanner's own process, never in the client's."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import _native
from .executables import executable
from .plugin_info import PluginInfo
from .protocol import ScanReport
from .sandbox_messages import MAX_PORTS, _text
from .sandbox_process import describe_exit

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
              started: Callable[[subprocess.Popen[bytes]], None] | None = None) -> FileScan:
    """Runs scuff-scan on one file; a crash, hang or garbage output becomes `error`.

    With `instantiate` false, the scanner reports only what the file's factory says, and
    creates no plugin; with `plugin_id`, it reads only that plugin. A scanner still
    running after `timeout` seconds is killed with everything it started. `started` is
    given the scanner process as soon as it runs, for a caller that may have to kill it
    sooner.
    """
    path = os.path.abspath(os.fspath(path))
    command = [str(executable("scuff-scan"))]
    if not instantiate:
        command.append("--list")
    if plugin_id is not None:
        command += ["--plugin", plugin_id]
    # Its own process group, so that a timeout also kills whatever the plugin started;
    # stderr (the plugin's chatter and the scanner's notes) is not read.
    process = subprocess.Popen([*command, path], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    with process:
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
    if process.returncode != 0 and not (report and _native.verify_scan_report(report)):
        return FileScan(path, (), f"the scanner {describe_exit(process.returncode)}", scanner_failed=True)
    return read_report(path, report)


def read_report(path: str, data: bytes) -> FileScan:
    if not _native.verify_scan_report(data):
        return FileScan(path, (), "the scanner produced a malformed report", scanner_failed=True)
    report = ScanReport.ScanReport.GetRootAs(data, 0)
    if report.Error():
        return FileScan(path, (), _text(report.Error()))
    count = min(report.PluginsLength(), MAX_PLUGINS_PER_FILE)
    return FileScan(path, tuple(_plugin(report.Plugins(i), path) for i in range(count)))


# `plugin` is a ScannedPlugin table of the code flatc generated, with no type hints.
def _plugin(plugin: Any, path: str) -> PluginInfo:
    def channels(count: int, get: Callable[[int], Any]) -> tuple[int, ...]:
        return tuple(get(i).Channels() for i in range(min(count, MAX_PORTS)))

    fmt = _text(plugin.Format())
    return PluginInfo(
        id=_text(plugin.Id()),
        name=_text(plugin.Name()),
        vendor=_text(plugin.Vendor()),
        version=_text(plugin.Version()),
        format="vst3" if fmt == "vst3" else "clap",
        path=path,
        features=tuple(_text(plugin.Features(i)) for i in range(min(plugin.FeaturesLength(), MAX_FEATURES))),
        has_gui=bool(plugin.HasGui()),
        description=_text(plugin.Description()),
        audio_inputs=channels(plugin.AudioInputsLength(), plugin.AudioInputs),
        audio_outputs=channels(plugin.AudioOutputsLength(), plugin.AudioOutputs),
        note_inputs=plugin.NoteInputs(),
        note_outputs=plugin.NoteOutputs(),
        param_count=plugin.ParamCount(),
    )
