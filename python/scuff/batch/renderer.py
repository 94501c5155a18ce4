"""Rendering jobs one after another with one client: the worker of both backends.

A worker keeps one sandbox for as long as its jobs run well, and makes each job's devices
afresh in it, so no job hears what an earlier one left in a plugin (a tail, an envelope, a
parameter) and a job's output is the same whichever worker renders it after whichever jobs.
A sandbox that crashes or hangs is closed; the job is tried once more in a new one."""

from __future__ import annotations

import math
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import AudioFormatError, ParamError, SandboxError, ScuffError
from ..events.midi_file import events_from_midi
from ..events.notes import Event
from ..host.client import Client
from ..host.device import Device
from ..host.group import Group
from ..host.sandbox import Sandbox
from .audio_files import AudioInput, read_audio, write_audio
from .chain import ParamValue
from .jobs import MIDI_TAIL_SECONDS, Job, array_digest
from .manifest import JobRecord
from .params import parse_key
from .resolve import ResolvedChain
from .work import Work

# A sandbox that crashes or hangs costs the job this many tries, each in a fresh sandbox.
ATTEMPTS = 2


@dataclass(frozen=True)
class Timeouts:
    """`block`: how long one block may take before its sandbox counts as hung (the group's
    cycle timeout); `load`: creating a device or loading a session; `control`: other requests."""

    block: float = 2.0
    load: float = 30.0
    control: float = 10.0


@dataclass(frozen=True)
class _Source:
    """A job's input, read: samples (or None), their rate and frame count, events, the file."""

    samples: np.ndarray | None
    sample_rate: float
    frames: int
    events: list[Event]
    audio: AudioInput | None
    sha256: str | None


class Renderer:
    """Owns a client and the sandbox its jobs run in; `run` renders one job and says how it went."""

    def __init__(self, timeouts: Timeouts = Timeouts(), worker: str = "") -> None:
        self._timeouts = timeouts
        self._client = Client(load_timeout=timeouts.load, control_timeout=timeouts.control, autosave_interval=None)
        self._kept: tuple[Group, Sandbox] | None = None
        self._worker = worker or f"{socket.gethostname()}:{os.getpid()}"

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def run(self, item: Work) -> JobRecord:
        """Renders one job; its record says how it went."""
        job, chain, fingerprint = item.job, item.chain, item.fingerprint
        started = time.monotonic()
        errors: list[str] = []
        done = False
        output_sha256 = input_sha256 = samples_sha256 = None
        attempts = 0
        try:
            source = self._read(job)
            input_sha256 = source.sha256
        except (ScuffError, OSError) as error:
            errors.append(f"input: {error}")
            source = None
        while source is not None and attempts < ATTEMPTS:
            attempts += 1
            try:
                output_sha256, samples_sha256 = self._render(job, chain, source)
                done = True
                break
            except SandboxError as error:
                errors.append(self._sandbox_failure(error))
                self._discard()
            except (ScuffError, OSError) as error:
                # Not the sandbox's doing: another try would fail the same way.
                errors.append(str(error))
                self._discard()
                break
        return JobRecord(
            key=job.key, status="done" if done else "failed", output=job.key,
            input=job.describe_input(), chain=chain.describe(), params=dict(job.params), fingerprint=fingerprint,
            draw=[job.draw.seed, job.draw.index] if job.draw else None, input_sha256=input_sha256,
            output_sha256=output_sha256, samples_sha256=samples_sha256, seconds=time.monotonic() - started,
            attempts=attempts, errors=errors, worker=self._worker, finished=time.time())

    def _read(self, job: Job) -> _Source:
        events: list[Event] = []
        audio = None
        samples: np.ndarray | None = None
        if isinstance(job.input, np.ndarray):
            samples = np.ascontiguousarray(job.input, dtype=np.float32)
            if samples.ndim != 2:
                raise AudioFormatError(f"an input array is shaped (channels, frames), not {samples.shape}")
            rate = float(job.sample_rate or 0)
            digest: str | None = array_digest(samples)
        elif job.input is not None:
            audio = read_audio(job.input)
            samples, rate, digest = audio.samples, audio.sample_rate, audio.sha256
            if job.sample_rate is not None and job.sample_rate != rate:
                raise AudioFormatError(f"{job.input} is at {rate:g} Hz, not the job's {job.sample_rate:g} Hz")
        else:
            rate, digest = float(job.sample_rate or 48000), None
        if job.midi is not None:
            events = events_from_midi(job.midi, rate)
        if samples is not None:
            frames = samples.shape[1]
        elif job.seconds is not None:
            frames = round(job.seconds * rate)
        else:
            frames = max((e.frame for e in events), default=0) + round(MIDI_TAIL_SECONDS * rate)
        return _Source(samples, rate, frames, events, audio, digest)

    def _render(self, job: Job, chain: ResolvedChain, source: _Source) -> tuple[str, str]:
        """Renders and writes the job; returns the checksums of the file and of the samples."""
        if chain.session is not None:
            group = self._client.load_session(chain.session)
            try:
                if group.sample_rate != source.sample_rate:
                    raise AudioFormatError(f"the session runs at {group.sample_rate:g} Hz and the input is at "
                                           f"{source.sample_rate:g} Hz")
                devices = [d for sandbox in group.sandboxes for d in sandbox.devices]
                output = self._render_chain(group, devices, job, source)
            finally:
                group.close()
        else:
            group, sandbox = self._sandbox(source.sample_rate, job.block_size)
            group.transport.position_seconds = 0.0
            devices = []
            try:
                for plugin in chain.plugins:
                    devices.append(sandbox.create_device(plugin.info) if plugin.info is not None
                                   else sandbox.create_device(plugin.path, plugin_id=plugin.plugin_id))
                for position, (device, plugin) in enumerate(zip(devices, chain.plugins, strict=True)):
                    for name, value in plugin.params.items():
                        _set(device, position, name, value)
                for source_device, target in zip(devices, devices[1:], strict=False):
                    if not source_device.outputs or not target.inputs:
                        raise AudioFormatError(f"{source_device.name} cannot feed {target.name}: "
                                               "one has no audio port")
                    group.connect(source_device.output(0), target.input(0))
                output = self._render_chain(group, devices, job, source)
            finally:
                if sandbox.state == "running":
                    for device in devices:
                        sandbox.remove_device(device)
        written = write_audio(job.output, output, source.sample_rate, like=source.audio, subtype=job.subtype)
        return written, array_digest(output)

    def _render_chain(self, group: Group, devices: Sequence[Device], job: Job, source: _Source) -> np.ndarray:
        if not devices:
            raise ScuffError("the chain has no device")
        for key, value in job.params.items():
            index, name = parse_key(key)
            if not 0 <= index < len(devices):
                raise ParamError(f"parameter {key}: the chain has plugins 0 to {len(devices) - 1}")
            _set(devices[index], index, name, value)
        first, last = devices[0], devices[-1]
        if not last.outputs:
            raise AudioFormatError(f"the chain's last plugin ({last.name}) has no audio output")
        inputs = {}
        if source.samples is not None:
            if not first.inputs:
                raise AudioFormatError(f"the chain's first plugin ({first.name}) has no audio input")
            if source.samples.shape[0] != first.inputs[0]:
                raise AudioFormatError(f"the input has {source.samples.shape[0]} channel(s) and {first.name} "
                                       f"takes {first.inputs[0]}")
            inputs[first.input(0)] = source.samples
        events = {first: source.events} if source.events else None
        return group.render(inputs, last.output(0), frames=source.frames, events=events)

    def _sandbox(self, sample_rate: float, block_size: int) -> tuple[Group, Sandbox]:
        if self._kept is not None:
            group, sandbox = self._kept
            if group.sample_rate == sample_rate and group.block_size == block_size and sandbox.state == "running":
                return self._kept
            self._discard()
        group = self._client.create_group(sample_rate=sample_rate, block_size=block_size,
                                          cycle_timeout=self._timeouts.block)
        # A batch renders in chunks, a wake-up each: polling for them would only take the
        # cores the other workers' sandboxes render on.
        group.spin_wait = 0
        self._kept = group, group.create_sandbox()
        return self._kept

    def _discard(self) -> None:
        if self._kept is not None:
            self._kept[0].close()
            self._kept = None

    def _sandbox_failure(self, error: SandboxError) -> str:
        """The error, with how the sandbox ended (crashed with a signal, unresponsive, ...)."""
        sandboxes = self._kept[0].sandboxes if self._kept is not None else []
        states = [f"{s.state}: {s.reason}" for s in sandboxes if s.state != "running" and s.reason]
        return f"{error}" + (f" [{'; '.join(states)}]" if states and states[0] not in str(error) else "")


def _set(device: Device, position: int, name: str | int, value: ParamValue) -> None:
    if isinstance(value, str):
        text = value
        try:
            value = float(text)
        except ValueError:
            value = device.param_from_text(name, text)
    if not math.isfinite(value):
        raise ParamError(f"plugin {position} ({device.name}), {name}: {value!r} is not a finite number")
    device.set_param(name, float(value))
