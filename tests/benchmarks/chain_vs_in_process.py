"""A chain of two heavy zam plugins rendered offline: in two sandboxes (chunked, so they work
on successive chunks at once), in one sandbox, and in two sandboxes block by block, each
against a pedalboard `Pedalboard` of the same two VST3 builds in process."""

from __future__ import annotations

import contextlib
import gc
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fixtures import SAMPLE_RATE, _stderr_silenced, missed_cycles
from stats import Spread, fmt_seconds, print_table

import scuff

# Two plugins of about the same weight, so a pipeline of two can nearly halve the time:
# ZamVerb's convolution and ZaMaximX2's look-ahead limiter each take about 35 ms per second
# of stereo audio at 512 frames here (pedalboard, one core).
FIRST = Path("/usr/lib/vst3/ZamVerb.vst3")
SECOND = Path("/usr/lib/vst3/ZaMaximX2.vst3")
BLOCK_SIZE = 512
# Two sandboxes, chunked, against in process: faster than any in-process host can be.
PIPELINE_GOAL = 0.8
WARM_UP_SECONDS = 1.0
LAYOUTS = ("two sandboxes, chunked", "one sandbox, chunked", "two sandboxes, block by block")


@dataclass
class ChainResult:
    times: dict[str, list[float]]
    in_process_s: list[float]
    max_difference: float
    missed_cycles: int

    def ratio(self, layout: str) -> Spread:
        return Spread.of_ratios(self.times[layout], self.in_process_s)


class InProcessChain:
    """The baseline: both plugins in one pedalboard in this process."""

    def __init__(self) -> None:
        import pedalboard

        self._board = pedalboard.Pedalboard([pedalboard.load_plugin(str(FIRST)),
                                             pedalboard.load_plugin(str(SECOND))])

    def process(self, audio: np.ndarray) -> np.ndarray:
        # ZamVerb's VST3 build prints a line per process call under pedalboard.
        with _stderr_silenced():
            return self._board.process(audio, SAMPLE_RATE, buffer_size=BLOCK_SIZE, reset=False)

    def close(self) -> None:
        with _stderr_silenced():
            self._board = None
            gc.collect()


def stereo_input(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    frames = int(seconds * SAMPLE_RATE)
    return (0.3 * rng.standard_normal((2, frames))).astype(np.float32)


def run(seconds: float, repetitions: int) -> ChainResult:
    signal = stereo_input(seconds)
    baseline = InProcessChain()
    with scuff.Client() as client, contextlib.closing(baseline):
        chains = {}
        for layout in LAYOUTS:
            group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
            first_sandbox = group.create_sandbox()
            second_sandbox = first_sandbox if layout.startswith("one") else group.create_sandbox()
            first = first_sandbox.create_device(FIRST)
            second = second_sandbox.create_device(SECOND)
            group.connect(first.output(0), second.input(0))
            chains[layout] = (group, first, second, not layout.endswith("block by block"))

        def sandboxed(layout: str, audio: np.ndarray) -> np.ndarray:
            group, first, second, chunked = chains[layout]
            return group.render({first.input(0): audio}, second.output(0), chunked=chunked)

        warm_up = signal[:, : int(WARM_UP_SECONDS * SAMPLE_RATE)]
        for layout in LAYOUTS:
            sandboxed(layout, warm_up)
        baseline.process(warm_up)
        missed_before = sum(missed_cycles(chain[0]) for chain in chains.values())

        times: dict[str, list[float]] = {layout: [] for layout in LAYOUTS}
        in_process_s: list[float] = []
        outputs: dict[str, np.ndarray] = {}
        hosts = [*((layout, lambda audio, layout=layout: sandboxed(layout, audio)) for layout in LAYOUTS),
                 ("in process", baseline.process)]
        for repetition in range(repetitions):
            # Interleaved, in alternating order, so outside load lands on every host alike.
            for name, render in hosts if repetition % 2 == 0 else hosts[::-1]:
                started = time.perf_counter()
                outputs[name] = render(signal)
                elapsed = time.perf_counter() - started
                (in_process_s if name == "in process" else times[name]).append(elapsed)
        missed = sum(missed_cycles(chain[0]) for chain in chains.values()) - missed_before
    # Chunked or block by block, the chain across two sandboxes renders the same bits.
    difference = float(np.max(np.abs(outputs[LAYOUTS[0]] - outputs[LAYOUTS[2]])))
    return ChainResult(times, in_process_s, difference, missed)


def report(result: ChainResult, seconds: float, repetitions: int) -> None:
    rows = []
    for layout in LAYOUTS:
        ratio = result.ratio(layout)
        rows.append([layout, fmt_seconds(float(np.median(result.times[layout]))), str(ratio),
                     ratio.goal(PIPELINE_GOAL) if layout == LAYOUTS[0] else ""])
    rows.append(["in process (pedalboard)", fmt_seconds(float(np.median(result.in_process_s))), "1x", ""])
    print_table(
        f"1b. {FIRST.stem} -> {SECOND.stem}, {seconds:g} s stereo at {SAMPLE_RATE} Hz, {BLOCK_SIZE} frames, "
        f"{repetitions} interleaved rounds",
        ["chain", "median time", "ratio to in process [middle half] pairs", "goal"],
        rows,
        notes=[
            "ratio = the layout's time / pedalboard's in the same round: the median, the middle half in brackets.",
            f"the two chunked and block-by-block renders across two sandboxes differ by at most "
            f"{result.max_difference:.1e} (they should not differ at all).",
            *([f"WARNING: the sandboxes missed {result.missed_cycles} cycle(s); the times are not valid"]
              if result.missed_cycles else []),
        ],
    )


def goal_lines(result: ChainResult) -> list[str]:
    ratio = result.ratio(LAYOUTS[0])
    return [f"  {FIRST.stem} -> {SECOND.stem} in two sandboxes, chunked / in process: {ratio}  "
            f"{ratio.goal(PIPELINE_GOAL)}"]
