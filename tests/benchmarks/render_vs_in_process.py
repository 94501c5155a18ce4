"""Offline render of ZamComp in a sandbox against the same DSP hosted in-process by
pedalboard (its VST3 build): what sandboxing costs a whole-file render, block by block (one
hand-off per block) and chunked (many blocks per hand-off, docs/graph.md)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import numpy as np
from fixtures import (
    SAMPLE_RATE,
    InProcessZamComp,
    Spin,
    compressor_input,
    missed_cycles,
    new_sandbox,
    new_zamcomp,
)
from stats import Spread, fmt_seconds, print_table

import scuff

# (sandboxed build, block size); the baseline is always pedalboard hosting the VST3 build.
CASES = (("clap", 64), ("clap", 512), ("vst3", 64), ("vst3", 512))
# Sandboxed time / in-process time, per case, block by block. Against the very same VST3 file
# the sandbox has less excuse, so its goals are tighter.
GOALS = {("clap", 64): 2.0, ("clap", 512): 1.25, ("vst3", 64): 1.5, ("vst3", 512): 1.15}
# Chunked, with no hand-off per block, the sandbox should cost next to nothing.
CHUNKED_GOAL = 1.05
# Enough to bring both hosts' caches, page tables and branch predictors to steady state,
# so the timed repetitions compare DSP plus hosting rather than first-touch costs.
WARM_UP_SECONDS = 1.0


@dataclass
class RenderResult:
    plugin_format: str
    block_size: int
    frames: int
    sandboxed_s: list[float]
    chunked_s: list[float]
    in_process_s: list[float]
    max_difference: float
    missed_cycles: int

    @property
    def ratio(self) -> Spread:
        """Sandboxed block by block / in-process, per interleaved pair."""
        return Spread.of_ratios(self.sandboxed_s, self.in_process_s)

    @property
    def chunked_ratio(self) -> Spread:
        """Sandboxed and chunked / in-process, per interleaved pair."""
        return Spread.of_ratios(self.chunked_s, self.in_process_s)

    @property
    def overhead_per_block_s(self) -> float:
        """The pairs' median difference, spread over the blocks."""
        blocks = -(-self.frames // self.block_size)
        return Spread.of_differences(self.sandboxed_s, self.in_process_s, per=blocks).median


def measure(block_size: int, signal: np.ndarray, repetitions: int,
            spin: Spin | None = None, plugin_format: str = "clap") -> RenderResult:
    baseline = InProcessZamComp()
    with scuff.Client() as client, contextlib.closing(baseline):
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block_size)
        if spin is not None:
            spin.apply(group)
        device = new_zamcomp(new_sandbox(group), plugin_format)

        def sandboxed(audio: np.ndarray) -> np.ndarray:
            return group.render({device.input(0): audio}, device.output(0), chunked=False)

        def chunked(audio: np.ndarray) -> np.ndarray:
            return group.render({device.input(0): audio}, device.output(0), chunked=True)

        def in_process(audio: np.ndarray) -> np.ndarray:
            return baseline.process(audio, block_size)

        warm_up = signal[:, : int(WARM_UP_SECONDS * SAMPLE_RATE)]
        sandboxed(warm_up)
        chunked(warm_up)
        in_process(warm_up)
        missed_before = missed_cycles(group)

        times: dict[str, list[float]] = {"sandboxed": [], "chunked": [], "in_process": []}
        outputs: dict[str, np.ndarray] = {}
        hosts = [("sandboxed", sandboxed), ("chunked", chunked), ("in_process", in_process)]
        for repetition in range(repetitions):
            # Interleaved, and in alternating order, so a burst of outside load or a
            # frequency change lands on both hosts instead of biasing one of them.
            for name, render in hosts if repetition % 2 == 0 else hosts[::-1]:
                started = time.perf_counter()
                outputs[name] = render(signal)
                times[name].append(time.perf_counter() - started)
        missed = missed_cycles(group) - missed_before

    # Both hosts have processed the same audio in the same blocks with the same settings,
    # so the outputs should agree: a sandbox that timed nothing (silence, skipped blocks)
    # shows up here rather than as a flattering time.
    difference = max(float(np.max(np.abs(outputs[name] - outputs["in_process"])))
                     for name in ("sandboxed", "chunked"))
    return RenderResult(plugin_format, block_size, signal.shape[1], times["sandboxed"], times["chunked"],
                        times["in_process"], difference, missed)


def run(seconds: float, repetitions: int) -> list[RenderResult]:
    signal = compressor_input(seconds)
    return [measure(block_size, signal, repetitions, plugin_format=plugin_format)
            for plugin_format, block_size in CASES]


def report(results: list[RenderResult], seconds: float, repetitions: int) -> None:
    rows = []
    for r in results:
        rows.append([
            f"{r.plugin_format.upper()}, {r.block_size} frames",
            fmt_seconds(float(np.median(r.sandboxed_s))),
            fmt_seconds(float(np.median(r.in_process_s))),
            str(r.ratio),
            fmt_seconds(r.overhead_per_block_s),
            r.ratio.goal(GOALS[r.plugin_format, r.block_size]),
            fmt_seconds(float(np.median(r.chunked_s))),
            str(r.chunked_ratio),
            r.chunked_ratio.goal(CHUNKED_GOAL),
            f"{r.max_difference:.1e}",
        ])
    print_table(
        f"1. ZamComp render of {seconds:g} s mono at {SAMPLE_RATE} Hz: sandboxed (CLAP or VST3 build) vs "
        f"in-process pedalboard (VST3), {repetitions} interleaved pairs",
        ["sandboxed build", "block by block", "in-process", "ratio [middle half] pairs", "extra/block", "goal",
         "chunked", "ratio [middle half] pairs", "goal", "max |diff|"],
        rows,
        notes=[
            "ratio = sandboxed / in-process wall time of each interleaved pair: the median, the middle half of"
            " the pairs in brackets; the goal is judged on the middle half.",
            "block by block, chunked, in-process = median times; extra/block = the block-by-block pairs' median"
            " difference over the blocks. The three hosts take turns in each round.",
            "max |diff| compares the two outputs sample by sample (same DSP, so it should be ~0).",
            *(f"WARNING: {r.block_size}-frame render: sandbox missed {r.missed_cycles} cycle(s); "
              "its times are not valid" for r in results if r.missed_cycles),
        ],
    )
