"""Running scuff-scan on one plugin file and reading its report (schema/scan_report.fbs).
The plugin is loaded only in the scanner's own process, never in the client's."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from . import _native
from .executables import executable
from .plugin_info import PluginInfo
from .protocol import ScanReport
from .sandbox import describe_exit
from .sandbox_messages import MAX_PORTS, _text

SCAN_TIMEOUT = 10.0
MAX_PLUGINS_PER_FILE = 10_000


@dataclass(frozen=True)
class FileScan:
    """What one scanner run found in one file: its plugins, or why it could not."""

    path: str
    plugins: tuple[PluginInfo, ...]
    error: str = ""


def scan_file(path: str | os.PathLike[str], timeout: float = SCAN_TIMEOUT) -> FileScan:
    """Runs scuff-scan on one file; a crash, hang or garbage output becomes `error`."""
    path = os.path.abspath(os.fspath(path))
    try:
        result = subprocess.run([str(executable("scuff-scan")), path], capture_output=True,
                                timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return FileScan(path, (), f"the scanner did not finish within {timeout:g} s")
    # The report is written before the plugin file is unloaded: a plugin that crashes on
    # unload still has its whole report on stdout.
    if result.returncode != 0 and not (result.stdout and _native.verify_scan_report(result.stdout)):
        return FileScan(path, (), f"the scanner {describe_exit(result.returncode)}")
    return read_report(path, result.stdout)


def read_report(path: str, data: bytes) -> FileScan:
    if not _native.verify_scan_report(data):
        return FileScan(path, (), "the scanner produced a malformed report")
    report = ScanReport.ScanReport.GetRootAs(data, 0)
    if report.Error():
        return FileScan(path, (), _text(report.Error()))
    count = min(report.PluginsLength(), MAX_PLUGINS_PER_FILE)
    return FileScan(path, tuple(_plugin(report.Plugins(i), path) for i in range(count)))


def _plugin(plugin, path: str) -> PluginInfo:
    def channels(count: int, get) -> tuple[int, ...]:
        return tuple(get(i).Channels() for i in range(min(count, MAX_PORTS)))

    fmt = _text(plugin.Format())
    return PluginInfo(
        id=_text(plugin.Id()),
        name=_text(plugin.Name()),
        vendor=_text(plugin.Vendor()),
        version=_text(plugin.Version()),
        format="vst3" if fmt == "vst3" else "clap",
        path=path,
        features=tuple(_text(plugin.Features(i)) for i in range(min(plugin.FeaturesLength(), 64))),
        has_gui=bool(plugin.HasGui()),
        description=_text(plugin.Description()),
        audio_inputs=channels(plugin.AudioInputsLength(), plugin.AudioInputs),
        audio_outputs=channels(plugin.AudioOutputsLength(), plugin.AudioOutputs),
        note_inputs=plugin.NoteInputs(),
        note_outputs=plugin.NoteOutputs(),
        param_count=plugin.ParamCount(),
    )
