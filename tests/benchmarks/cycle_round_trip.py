"""Round trip of one audio cycle (client -> sandbox -> client) against the bare cost of a
cross-process round trip over shared memory, spinning or sleeping on a futex."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from fixtures import SAMPLE_RATE, Spin, missed_cycles, new_sandbox, new_zamcomp
from stats import Latency, Spread, fmt_ns, print_table

import scuff

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.test_plugins import PING_PONG, build_test_plugins  # noqa: E402

BLOCK_SIZE = 512
# Empty-cycle p50 / raw spinning round-trip p50.
GOAL = 3.0
# Dropped at the start of every chunk: the first cycles after a pause wake a sleeping
# sandbox through the futex (and a fresh ping-pong pair has just forked), which is a cost
# of the pause between chunks, not of the steady cycle being measured.
WARM_UP = 200

RAW_SPIN = "raw spin"
RAW_FUTEX = "raw futex"
EMPTY = "empty sandbox"
ZAMCOMP = "sandbox + ZamComp"


@dataclass
class CycleResults:
    latencies: dict[str, Latency]
    # Each case's p50 over the raw spin's, chunk by chunk.
    against_spin: dict[str, Spread]
    missed: dict[str, int] = field(default_factory=dict)


Timer = Callable[[int], list[int]]
K = TypeVar("K")


def raw_timer(mode: str) -> Timer:
    """Round trips of scuff-ping-pong, built with the test plugins: no scuff code in between."""
    executable = build_test_plugins(Path(__file__).resolve().parents[2] / "build" / "test-plugins") / PING_PONG

    def timed(count: int) -> list[int]:
        output = subprocess.run([str(executable), mode, str(count + WARM_UP)], capture_output=True, text=True,
                                check=True).stdout
        return [int(line) for line in output.split()][WARM_UP:]

    return timed


def group_timer(group: scuff.Group) -> Timer:
    def timed(count: int) -> list[int]:
        group._engine.time_cycles(WARM_UP, group.block_size)
        return group._engine.time_cycles(count, group.block_size)

    return timed


@contextlib.contextmanager
def cycle_groups(spin: Spin | None = None) -> Iterator[dict[str, scuff.Group]]:
    """A group whose only sandbox has no device (the cost of the cycle itself), and one
    with a ZamComp in it (the cycle plus 512 frames of real DSP)."""
    with scuff.Client() as client:
        groups = {}
        for name in (EMPTY, ZAMCOMP):
            group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
            if spin is not None:
                spin.apply(group)
            sandbox = new_sandbox(group)
            if name == ZAMCOMP:
                new_zamcomp(sandbox)
            groups[name] = group
        yield groups


def interleave(timers: dict[K, Timer], total: int, chunks: int) -> dict[K, list[list[int]]]:
    """Each timer's `total` samples, gathered in `chunks` turns taken one timer after the
    other (in alternating order), so slow phases of a shared machine are spread over every
    case alike; by chunk, so that cases can be compared chunk by chunk, as pairs."""
    samples: dict[K, list[list[int]]] = {name: [] for name in timers}
    per_chunk = max(1, total // chunks)
    names = list(timers)
    for chunk in range(chunks):
        for name in names if chunk % 2 == 0 else names[::-1]:
            samples[name].append(timers[name](per_chunk))
    return samples


def joined(chunks: list[list[int]]) -> list[int]:
    return [sample for chunk in chunks for sample in chunk]


def chunk_medians(chunks: list[list[int]]) -> list[float]:
    return [float(np.median(chunk)) for chunk in chunks]


def run(cycles: int, chunks: int) -> CycleResults:
    with cycle_groups() as groups:
        timers = {RAW_SPIN: raw_timer("spin"), RAW_FUTEX: raw_timer("futex")}
        timers.update({name: group_timer(group) for name, group in groups.items()})
        missed_before = {name: missed_cycles(group) for name, group in groups.items()}
        samples = interleave(timers, cycles, chunks)
        missed = {name: missed_cycles(group) - missed_before[name] for name, group in groups.items()}
    spin = chunk_medians(samples[RAW_SPIN])
    return CycleResults({name: Latency.of(joined(s)) for name, s in samples.items()},
                        {name: Spread.of_ratios(chunk_medians(s), spin) for name, s in samples.items()}, missed)


def report(results: CycleResults, cycles: int) -> None:
    rows = []
    for name, latency in results.latencies.items():
        ratio = results.against_spin[name]
        rows.append([
            name,
            fmt_ns(latency.p50),
            fmt_ns(latency.p99),
            fmt_ns(latency.p999),
            fmt_ns(latency.max),
            str(ratio),
            ratio.goal(GOAL) if name == EMPTY else "",
        ])
    print_table(
        f"2. Round trip of one cycle ({cycles} per case after warm-up, {BLOCK_SIZE} frames) "
        "vs raw cross-process ping-pong",
        ["case", "p50", "p99", "p99.9", "max", "p50 / raw spin [middle half] chunks", "goal"],
        rows,
        notes=[
            "sandbox cases: Engine.time_cycles, one full cycle with no host I/O, default spin budgets.",
            "raw cases: scuff-ping-pong (tests/native) between two forked processes, no scuff code between.",
            "p50 / raw spin: chunk by chunk, each chunk's p50 over the raw spin's of the same turn.",
            *(f"WARNING: {name}: {count} cycle(s) missed their deadline; its numbers time "
              "timeouts and skipped sandboxes, not round trips"
              for name, count in results.missed.items() if count),
        ],
    )
