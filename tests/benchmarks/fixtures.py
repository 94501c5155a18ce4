"""What the benchmarks share: the plugin under test and its settings, the in-process
baseline, and sandboxes set up so that their timings are valid."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import scuff

SAMPLE_RATE = 48000
ZAMCOMP_CLAP = Path("/usr/lib/clap/ZamComp.clap")
ZAMCOMP_VST3 = Path("/usr/lib/vst3/ZamComp.vst3")

# At its default threshold (0 dB) ZamComp never compresses a signal below full scale, so
# the benchmark would time a pass-through; at -24 dB the gain computer works on every block.
THRESHOLD_DB = -24.0

@dataclass(frozen=True)
class Spin:
    """Spin budgets for a group, in ns (the engine's client_spin_ns and sandbox_spin_ns)."""

    client_ns: int
    sandbox_ns: int

    def apply(self, group: scuff.Group) -> None:
        group._engine.client_spin_ns = self.client_ns
        group._engine.sandbox_spin_ns = self.sandbox_ns

    @property
    def label(self) -> str:
        return f"client {self.client_ns / 1000:g} us / sandbox {self.sandbox_ns / 1000:g} us"


def default_spin() -> Spin:
    """The product's own budgets, read from a fresh engine so they are never copied here."""
    from scuff import _native

    engine = _native.Engine(64, 48000.0)
    return Spin(engine.client_spin_ns, engine.sandbox_spin_ns)


def new_sandbox(group: scuff.Group) -> scuff.Sandbox:
    return group.create_sandbox()


def new_zamcomp(sandbox: scuff.Sandbox, plugin_format: str = "clap") -> scuff.Device:
    device = sandbox.create_device(ZAMCOMP_CLAP if plugin_format == "clap" else ZAMCOMP_VST3)
    device.set_param("Threshold", THRESHOLD_DB)
    return device


class InProcessZamComp:
    """The baseline: ZamComp's VST3 build hosted in this process by pedalboard."""

    def __init__(self) -> None:
        import pedalboard

        self._plugin = pedalboard.load_plugin(str(ZAMCOMP_VST3))
        self._plugin.threshold_db = THRESHOLD_DB

    def process(self, audio: np.ndarray, block_size: int) -> np.ndarray:
        return self._plugin.process(audio, SAMPLE_RATE, buffer_size=block_size, reset=False)

    def close(self) -> None:
        # Unloading the VST3 makes DPF print two warnings about components still
        # referenced; they say nothing about scuff and would be interleaved with the tables.
        # The plugin object sits in reference cycles (its parameter objects point back at
        # it), so only a collection unloads it.
        with _stderr_silenced():
            self._plugin = None
            gc.collect()


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def missed_cycles(group: scuff.Group) -> int:
    """Cycles any sandbox of the group did not answer in time: a timing taken while this
    grows measured timeouts and skipped sandboxes, not round trips."""
    return sum(sandbox._signals.missed_cycles for sandbox in group.sandboxes)


def compressor_input(seconds: float, seed: int = 0) -> np.ndarray:
    """Mono float32 (1, frames): noise under a slow swell, so the compressor both attacks
    and releases instead of sitting at one gain."""
    frames = int(round(seconds * SAMPLE_RATE))
    t = np.arange(frames) / SAMPLE_RATE
    envelope = 0.02 + 0.9 * (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t)) ** 4
    noise = np.random.default_rng(seed).uniform(-1.0, 1.0, frames)
    return (noise * envelope).astype(np.float32)[np.newaxis, :]
