"""What the always-on statistics cost: the same render of ZamComp at 64 frames in a sandbox
that times every process call and in one started with SCUFF_PROCESS_STATS=0, which turns the
timing off (a switch for this benchmark only). Both groups run in the same process, their
renders interleaved, so outside load lands on both."""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass

from fixtures import SAMPLE_RATE, compressor_input, missed_cycles, new_zamcomp
from stats import Spread, fmt_seconds, print_table

import scuff

BLOCK_SIZE = 64
GOAL = 0.01


@dataclass
class StatsCost:
    seconds: float
    on_s: list[float]
    off_s: list[float]
    blocks_counted: int
    blocks_counted_off: int
    missed_cycles: int

    @property
    def cost(self) -> Spread:
        """(on - off) / off, per interleaved pair."""
        return Spread(tuple(ratio - 1 for ratio in Spread.of_ratios(self.on_s, self.off_s).values))


def run(seconds: float, repetitions: int) -> StatsCost:
    x = compressor_input(seconds)[:1]
    times: dict[bool, list[float]] = {True: [], False: []}
    with scuff.Client() as client:
        groups, devices = {}, {}
        for timing in (True, False):
            group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
            previous = os.environ.get("SCUFF_PROCESS_STATS")
            os.environ["SCUFF_PROCESS_STATS"] = "1" if timing else "0"
            try:
                devices[timing] = new_zamcomp(group.create_sandbox())
            finally:
                if previous is None:
                    del os.environ["SCUFF_PROCESS_STATS"]
                else:
                    os.environ["SCUFF_PROCESS_STATS"] = previous
            groups[timing] = group
            group.render({devices[timing].input(0): x[:, :SAMPLE_RATE]}, devices[timing].output(0))
        for repetition in range(repetitions):
            for timing in ((True, False) if repetition % 2 == 0 else (False, True)):
                device = devices[timing]
                started = time.perf_counter()
                groups[timing].render({device.input(0): x}, device.output(0))
                times[timing].append(time.perf_counter() - started)
        missed = sum(missed_cycles(group) for group in groups.values())
        return StatsCost(seconds, times[True], times[False], devices[True].stats.blocks,
                         devices[False].stats.blocks, missed)


def report(cost: StatsCost, repetitions: int) -> None:
    print_table(
        f"8. Cost of always-on statistics: ZamComp (CLAP) at {BLOCK_SIZE} frames, {cost.seconds:g} s, "
        f"{repetitions} interleaved pairs",
        ["timed", "untimed", "cost [middle half] pairs", "goal"],
        [[fmt_seconds(statistics.median(cost.on_s)), fmt_seconds(statistics.median(cost.off_s)),
          cost.cost.text(percent), cost.cost.goal(GOAL, percent)]],
        notes=[f"timed = median render with every process call timed ({cost.blocks_counted} blocks counted); "
               f"untimed = SCUFF_PROCESS_STATS=0 ({cost.blocks_counted_off} counted). Cost is relative to the "
               "untimed render; a negative one is noise larger than the cost."],
    )


def percent(share: float) -> str:
    return f"{100 * share:+.2f}%"


def goal_lines(cost: StatsCost) -> list[str]:
    return [f"  always-on statistics at {BLOCK_SIZE} frames: {cost.cost.text(percent)}  "
            f"{cost.cost.goal(GOAL, percent)}"]
