"""`scuff render`: an audio file through a chain of plugins, each in a sandbox.

The output is written to a temporary file beside it and renamed at the end, so a chain
that fails leaves no half-written file. The render is raw: plugins' latency is not
compensated, and the output has as many frames as the input."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ..errors import AudioFormatError, ParamError, SandboxError, ScuffError
from ..host.client import Client
from ..host.device import Device
from ..host.group import Group
from ..scan.lookup import find_plugin
from .commands import Commands

# Frames per progress step: whole blocks, so a chunked render equals a render in one call.
PROGRESS_SECONDS = 1.0


@dataclass(frozen=True)
class ParamSetting:
    """`--param INDEX:NAME=VALUE`: parameter NAME (a name or an id) of plugin INDEX (from 0)."""

    index: int
    name: str
    value: str


def parse_param(text: str) -> ParamSetting:
    match = re.fullmatch(r"(\d+):([^=]+)=(.*)", text)
    if not match:
        raise ScuffError(f"--param takes INDEX:NAME=VALUE (INDEX counts the --plugin options from 0), not {text!r}")
    return ParamSetting(int(match.group(1)), match.group(2).strip(), match.group(3).strip())


def build_chain(client: Client, group: Group, plugins: Sequence[str], params: Sequence[ParamSetting], *,
                sandbox_per_plugin: bool) -> list[Device]:
    """The devices of `plugins`, connected output 0 to input 0 in order, with `params` set."""
    devices: list[Device] = []
    sandbox = None
    for position, plugin in enumerate(plugins):
        if sandbox is None or sandbox_per_plugin:
            sandbox = group.create_sandbox()
        try:
            found, plugin_id = plugin_and_id(client, plugin)
            devices.append(sandbox.create_device(found, plugin_id=plugin_id))
        except ScuffError as error:
            raise ScuffError(f"plugin {position} ({plugin}): {error}") from error
    for setting in params:
        if not 0 <= setting.index < len(devices):
            raise ParamError(f"--param {setting.index}:{setting.name}: there are plugins 0 to {len(devices) - 1}")
        set_param_from_text(devices[setting.index], setting)
    for source, target in zip(devices, devices[1:], strict=False):
        if not source.outputs or not target.inputs:
            raise AudioFormatError(f"{source.name} cannot feed {target.name}: one has no audio port")
        group.connect(source.output(0), target.input(0))
    return devices


def plugin_and_id(client: Client, plugin: str) -> tuple[Any, str | None]:
    """`--plugin`: a file, id or name, or FILE#ID for one plugin of a file that holds several."""
    path, mark, plugin_id = plugin.rpartition("#")
    if mark and Path(path).expanduser().exists():
        return find_plugin(client.scan, path), plugin_id
    return find_plugin(client.scan, plugin), None


def set_param_from_text(device: Device, setting: ParamSetting) -> None:
    key: int | str = int(setting.name) if setting.name.isdigit() else setting.name
    try:
        value = float(setting.value)
    except ValueError:
        value = device.param_from_text(key, setting.value)
    if not math.isfinite(value):
        raise ParamError(f"--param {setting.index}:{setting.name}: {setting.value!r} is not a finite number")
    device.set_param(key, value)


def run_render(source: Path, target: Path, plugins: Sequence[str], params: Sequence[str], *, block_size: int,
               sandbox_per_plugin: bool, sample_rate: float | None, resample: bool, subtype: str | None) -> int:
    import soundfile

    settings = [parse_param(text) for text in params]
    audio, file_rate, info = read_audio(source)
    rate = float(sample_rate or file_rate)
    if rate != file_rate:
        if not resample:
            raise ScuffError(f"{source} is at {file_rate} Hz and the plugins would run at {rate:g} Hz; "
                             "give --resample to convert it")
        audio = resample_audio(audio, file_rate, rate)
    subtype = subtype or output_subtype(info, target)
    progress = Progress(sys.stderr)
    with Client() as client:
        group = client.create_group(sample_rate=rate, block_size=block_size)
        devices = build_chain(client, group, plugins, settings, sandbox_per_plugin=sandbox_per_plugin)
        first, last = devices[0], devices[-1]
        if not first.inputs:
            raise AudioFormatError(f"plugin 0 ({first.name}) has no audio input")
        if audio.shape[0] != first.inputs[0]:
            raise AudioFormatError(f"{source} has {audio.shape[0]} channel(s) and plugin 0 ({first.name}) takes "
                                   f"{first.inputs[0]}")
        if not last.outputs:
            raise AudioFormatError(f"plugin {len(devices) - 1} ({last.name}) has no audio output")
        output = render_chunks(group, devices, audio, progress)
    progress.close()
    write_atomically(target, output, int(rate), info.format if same_container(source, target) else None,
                     subtype, soundfile)
    return 0


def render_chunks(group: Group, devices: Sequence[Device], audio: np.ndarray, progress: Progress) -> np.ndarray:
    """The chain's output, rendered a second at a time (in whole blocks) to show progress."""
    first, last = devices[0], devices[-1]
    total = audio.shape[1]
    chunk = max(1, int(PROGRESS_SECONDS * group.sample_rate) // group.block_size) * group.block_size
    parts = []
    for start in range(0, total, chunk):
        stop = min(start + chunk, total)
        try:
            parts.append(group.render({first.input(0): np.ascontiguousarray(audio[:, start:stop])},
                                      last.output(0)))
        except SandboxError as error:
            failed = [(i, d) for i, d in enumerate(devices) if d.sandbox.state != "running"]
            where = ", ".join(f"plugin {i} ({d.name}) {d.sandbox.state}" for i, d in failed) or "a sandbox"
            raise ScuffError(f"{where} at {start / group.sample_rate:.2f} s; nothing written ({error})") from error
        progress(stop, total)
    if not parts:
        return np.zeros((last.outputs[0], 0), np.float32)
    return np.concatenate(parts, axis=1)


def read_audio(path: Path) -> tuple[np.ndarray, int, Any]:
    """The file's samples as float32 (channels, frames), its sample rate and soundfile's info."""
    import soundfile

    if not path.exists():
        raise ScuffError(f"no such file: {path}")
    try:
        info = soundfile.info(str(path))
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        raise ScuffError(f"cannot read {path} as audio (WAV, FLAC or OGG): {error}") from error
    return np.ascontiguousarray(data.T), int(rate), info


def same_container(source: Path, target: Path) -> bool:
    return source.suffix.lower() == target.suffix.lower()


def output_subtype(info: Any, target: Path) -> str | None:
    """The input's sample format when the output's container takes it, else the container's default."""
    import soundfile

    container = soundfile._get_format_from_filename(str(target), "w") if target.suffix else info.format
    return info.subtype if soundfile.check_format(container, info.subtype) else None


def write_atomically(target: Path, audio: np.ndarray, rate: int, container: str | None, subtype: str | None,
                     soundfile: Any) -> None:
    directory = target.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=directory)
    os.close(handle)
    # mkstemp's file is private; the output gets the mode any new file would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        soundfile.write(temporary, audio.T, rate, subtype=subtype,
                        format=container or soundfile._get_format_from_filename(str(target), "w"))
        os.replace(temporary, target)
    except BaseException as error:
        os.unlink(temporary)
        if isinstance(error, (soundfile.LibsndfileError, RuntimeError, TypeError, ValueError)):
            raise ScuffError(f"cannot write {target}: {error}") from error
        raise


def resample_audio(audio: np.ndarray, rate: float, new_rate: float) -> np.ndarray:
    """Band-limited resampling of the whole signal in the frequency domain."""
    frames = audio.shape[1]
    new_frames = int(round(frames * new_rate / rate))
    if frames == 0 or new_frames == 0:
        return np.zeros((audio.shape[0], new_frames), np.float32)
    spectrum = np.fft.rfft(audio.astype(np.float64), axis=1)
    size = new_frames // 2 + 1
    resized = np.zeros((audio.shape[0], size), complex)
    keep = min(size, spectrum.shape[1])
    resized[:, :keep] = spectrum[:, :keep]
    resampled: np.ndarray = (np.fft.irfft(resized, new_frames, axis=1) * (new_frames / frames)).astype(np.float32)
    return resampled


class Progress:
    """A bar on a terminal's stderr; nothing on a pipe."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = stream.isatty()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self._shown:
            return
        filled = 30 * done // max(total, 1)
        self._stream.write(f"\rrendering [{'#' * filled}{'.' * (30 - filled)}] {100 * done // max(total, 1)}%")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r" + " " * 50 + "\r")
            self._stream.flush()


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "render", help="run an audio file through a chain of plugins",
        description="Renders INPUT (WAV, FLAC, OGG) through the plugins in order (output 0 to input 0) "
                    "into OUTPUT, in the input's sample format unless --subtype says otherwise. Latency is "
                    "not compensated: the output has the input's length. A failure writes nothing.")
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--plugin", action="append", required=True, metavar="PLUGIN",
                        help="a plugin file, id or name (FILE#ID: one plugin of a file that holds several); "
                             "repeat for a chain")
    parser.add_argument("--param", action="append", default=[], metavar="INDEX:NAME=VALUE",
                        help="set parameter NAME (or id) of plugin INDEX (from 0) to VALUE (a number, or "
                             "text the plugin reads, like '-12 dB')")
    parser.add_argument("--block-size", type=int, default=512)
    parser.add_argument("--sandbox-per-plugin", action="store_true",
                        help="each plugin in a sandbox of its own (one block of latency per hop)")
    parser.add_argument("--sample-rate", type=float, help="run the plugins at this rate (default: the file's)")
    parser.add_argument("--resample", action="store_true",
                        help="convert the input to --sample-rate instead of refusing a mismatch")
    parser.add_argument("--subtype", help="the output's sample format (PCM_16, PCM_24, FLOAT, VORBIS, ...)")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_render(args.input, args.output, args.plugin, args.param, block_size=args.block_size,
                      sandbox_per_plugin=args.sandbox_per_plugin, sample_rate=args.sample_rate,
                      resample=args.resample, subtype=args.subtype)
