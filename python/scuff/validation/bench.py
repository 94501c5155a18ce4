"""What a validation test works with: the plugin under test, fresh sandboxes holding it
(`Rig`), seeded test signals, the tolerances of the strictness level, and what the sandboxes
logged (thread-rule and real-time reports, silenced NaN blocks)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..events.notes import Event
from ..host.client import Client
from ..host.device import Device
from ..host.group import Group
from ..host.sandbox import Sandbox
from ..scan.plugin_info import PluginInfo
from ..wire import requests
from .strictness import Tolerances

# The test signal: white noise, uniform in [-LEVEL, LEVEL] (about -17 dBFS RMS).
LEVEL = 0.25
# Set in a sandbox's environment, it counts what process calls do that real-time code must not.
REALTIME_CHECKS_VARIABLE = "SCUFF_REALTIME_CHECKS"
_environment_lock = threading.Lock()


@dataclass(frozen=True)
class Subject:
    """The plugin under test: its file, its id, and what a scan of the file said of it (None
    when the scan could not tell)."""

    path: Path
    plugin_id: str | None
    info: PluginInfo | None


class SandboxLog(logging.Handler):
    """Collects what sandboxes log (`scuff.sandbox`), by sandbox process id."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self._lines: dict[int, list[str]] = {}
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if not isinstance(record.args, tuple) or len(record.args) != 3 or not isinstance(record.args[0], int):
            return
        with self._lock:
            self._lines.setdefault(record.args[0], []).append(str(record.args[2]))

    def lines(self, pid: int) -> list[str]:
        with self._lock:
            return list(self._lines.get(pid, ()))

    @classmethod
    @contextmanager
    def attached(cls) -> Iterator[SandboxLog]:
        logger = logging.getLogger("scuff.sandbox")
        handler = cls()
        level = logger.level
        if not logger.isEnabledFor(logging.WARNING):
            logger.setLevel(logging.WARNING)
        logger.addHandler(handler)
        try:
            yield handler
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)


class Rig:
    """One device of the plugin under test in a fresh sandbox of a fresh group."""

    def __init__(self, group: Group, sandbox: Sandbox, device: Device, log: SandboxLog) -> None:
        self.group, self.sandbox, self.device = group, sandbox, device
        self.log = log
        self.pid = sandbox.pid
        self.nan_reports_seen = 0

    @property
    def channels_in(self) -> int:
        return self.device.inputs[0] if self.device.inputs else 0

    @property
    def channels_out(self) -> int:
        return self.device.outputs[0] if self.device.outputs else 0

    def render(self, signal: np.ndarray, events: list[Event] | None = None) -> np.ndarray:
        """Renders a mono signal (fed to every channel of the first input) through the device;
        returns its first output, (channels, frames), or an empty array when it has none."""
        frames = len(signal)
        inputs: dict[Any, np.ndarray] = {}
        if self.channels_in:
            inputs[self.device.input(0)] = np.tile(signal.astype(np.float32), (self.channels_in, 1))
        event_map: Mapping[Any, list[Event]] | None = {self.device: events} if events else None
        if not self.channels_out:
            self.group.render(inputs, [], frames=frames, events=event_map)
            return np.zeros((0, frames), np.float32)
        return self.group.render(inputs, self.device.output(0), frames=frames, events=event_map)

    def process(self, signal: np.ndarray) -> np.ndarray:
        """One block of at most the block size, as an audio callback would process it."""
        inputs: dict[Any, np.ndarray] = {}
        if self.channels_in:
            inputs[self.device.input(0)] = np.tile(signal.astype(np.float32), (self.channels_in, 1))
        if not self.channels_out:
            self.group.process(inputs, [], frames=len(signal))
            return np.zeros((0, len(signal)), np.float32)
        return self.group.process(inputs, self.device.output(0), frames=len(signal))

    def messages(self) -> list[str]:
        """What the sandbox logged so far, after what it had queued has arrived: the audio
        thread's reports reach the client through the main loop."""
        for _ in range(2):
            if self.sandbox.state == "running":
                self.sandbox.request(requests.flush_params(self.device.id))
            time.sleep(0.02)
        return self.log.lines(self.pid)

    def logged(self) -> list[str]:
        """What the sandbox logged so far, without waiting for what may still be on its way."""
        return self.log.lines(self.pid)


class Bench:
    """What one test gets: fresh rigs, a seeded random generator, the tolerances, how long to
    render (`seconds`), and the plugin's scan."""

    def __init__(self, client: Client, subject: Subject, seed: int, tolerances: Tolerances, seconds: float,
                 log: SandboxLog) -> None:
        self.client, self.subject, self.seed, self.tol, self.seconds = client, subject, seed, tolerances, seconds
        self.rng = np.random.default_rng(seed)
        self.log = log
        self.sandboxes: list[Sandbox] = []
        self._groups: list[Group] = []

    def rig(self, sample_rate: float = 48000, block_size: int = 512, *, realtime_checks: bool = False) -> Rig:
        """A device of the plugin in a sandbox of its own, in a group of its own."""
        group = self.client.create_group(sample_rate=sample_rate, block_size=block_size, cycle_timeout=2.0)
        self._groups.append(group)
        if realtime_checks:
            # Through the device's creation too: a confined sandbox's process is replaced by
            # one with the plugin vendor's settings home when the first device comes.
            with _environment_lock:
                os.environ[REALTIME_CHECKS_VARIABLE] = "1"
                try:
                    sandbox = group.create_sandbox()
                    self.sandboxes.append(sandbox)
                    device = sandbox.create_device(self.subject.path, plugin_id=self.subject.plugin_id)
                finally:
                    del os.environ[REALTIME_CHECKS_VARIABLE]
        else:
            sandbox = group.create_sandbox()
            self.sandboxes.append(sandbox)
            device = sandbox.create_device(self.subject.path, plugin_id=self.subject.plugin_id)
        return Rig(group, sandbox, device, self.log)

    def frames(self, sample_rate: float = 48000, seconds: float | None = None) -> int:
        return max(64, int((self.seconds if seconds is None else seconds) * sample_rate))

    def noise(self, frames: int, level: float = LEVEL) -> np.ndarray:
        return self.rng.uniform(-level, level, frames).astype(np.float32)

    def close(self) -> None:
        for group in self._groups:
            group.close()
