"""Cycles of groups of 1 to 16 sandboxes, one light device (ZamComp) in each, at 64 and 256
frames: cycle time percentiles and the real-time factor. Every sandbox's audio thread and the
client spin a while before they sleep, so once sandboxes outnumber the CPUs they compete for
the CPUs with the very threads they wait for; the table shows what that costs."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from cycle_round_trip import chunk_medians, group_timer, interleave, joined
from fixtures import SAMPLE_RATE, Spin, missed_cycles, new_sandbox, new_zamcomp
from stats import Latency, Spread, fmt_ns, print_table

import scuff

SANDBOX_COUNTS = (1, 2, 4, 8, 16)
BLOCK_SIZES = (64, 256)
# The goal: this group runs at least GOAL_SPEED times faster than real time, with its p99
# cycle under GOAL_P99_SHARE of the block period.
GOAL_COUNT, GOAL_BLOCK = 8, 256
GOAL_SPEED = 10.0
GOAL_P99_SHARE = 0.10


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def block_period_ns(block_size: int) -> float:
    """How long a block lasts in real time: a longer cycle is an audible dropout."""
    return block_size / SAMPLE_RATE * 1e9


@contextlib.contextmanager
def groups_by_count(sandbox_counts: list[int], spin: Spin | None = None, block_size: int = 512
                    ) -> Iterator[dict[int, scuff.Group]]:
    """One group per count, each sandbox holding a ZamComp of its own."""
    with scuff.Client() as client:
        groups = {}
        for count in sandbox_counts:
            group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block_size)
            if spin is not None:
                spin.apply(group)
            for _ in range(count):
                new_zamcomp(new_sandbox(group))
            groups[count] = group
        yield groups


@dataclass
class CountResults:
    """By number of sandboxes in the group."""

    latencies: dict[int, Latency]
    # p50 over the one-sandbox group's, chunk by chunk.
    against_single: dict[int, Spread]
    # Mean cycle time, from which the real-time factor follows.
    means: dict[int, float]
    missed: dict[int, int]


def time_groups(groups: dict[int, scuff.Group], cycles: int, chunks: int) -> CountResults:
    missed_before = {n: missed_cycles(g) for n, g in groups.items()}
    by_chunk = interleave({n: group_timer(g) for n, g in groups.items()}, cycles, chunks)
    missed = {n: missed_cycles(g) - missed_before[n] for n, g in groups.items()}
    samples = {n: joined(c) for n, c in by_chunk.items()}
    single = chunk_medians(by_chunk[min(by_chunk)])
    return CountResults({n: Latency.of(s) for n, s in samples.items()},
                        {n: Spread.of_ratios(chunk_medians(c), single) for n, c in by_chunk.items()},
                        {n: sum(s) / len(s) for n, s in samples.items()}, missed)


def run(cycles: int, chunks: int) -> dict[int, CountResults]:
    """By block size."""
    results = {}
    for block_size in BLOCK_SIZES:
        # The groups of one block size exist together: each one's idle sandboxes sleep on
        # their futex while another group is timed, as in a host with several groups.
        with groups_by_count(list(SANDBOX_COUNTS), block_size=block_size) as groups:
            results[block_size] = time_groups(groups, cycles, chunks)
    return results


def speed(results: CountResults, count: int, block_size: int) -> float:
    """Times faster than real time: one block's duration over the mean cycle time."""
    return block_period_ns(block_size) / results.means[count]


def report(by_block: dict[int, CountResults], cycles: int) -> None:
    rows = []
    for block_size, results in by_block.items():
        for count, latency in results.latencies.items():
            rows.append([
                f"{block_size}",
                f"{count}",
                fmt_ns(latency.p50),
                fmt_ns(latency.p99),
                fmt_ns(latency.p999),
                fmt_ns(latency.max),
                str(results.against_single[count]),
                f"{speed(results, count, block_size):,.0f}x",
                f"{latency.p99 / block_period_ns(block_size):.1%}",
            ])
    notes = [f"block period: {', '.join(f'{b} frames = {fmt_ns(block_period_ns(b))}' for b in by_block)} "
             f"at {SAMPLE_RATE} Hz; real time = block period / mean cycle time.",
             f"{usable_cpus()} usable CPU(s): groups with more sandboxes than that have more spinning "
             "threads than CPUs. A spinner yields its CPU every few microseconds and sleeps on the futex "
             "once its budget is spent, so the sandbox it waits for still gets to run."]
    for block_size, results in by_block.items():
        notes += [f"WARNING: {count} sandbox(es) at {block_size} frames: {n} cycle(s) missed their deadline"
                  for count, n in results.missed.items() if n]
    print_table(
        f"3. Cycle time by sandboxes per group ({cycles} cycles each, one ZamComp per sandbox, "
        "default spin budgets)",
        ["frames", "sandboxes", "p50", "p99", "p99.9", "max", "p50 / 1 sandbox [middle half] chunks", "real time",
         "p99 / block period"],
        rows, notes=notes)


def goal_lines(by_block: dict[int, CountResults]) -> list[str]:
    results = by_block[GOAL_BLOCK]
    fast = speed(results, GOAL_COUNT, GOAL_BLOCK)
    share = results.latencies[GOAL_COUNT].p99 / block_period_ns(GOAL_BLOCK)
    return [
        f"  {GOAL_COUNT} sandboxes at {GOAL_BLOCK} frames, times real time: {fast:>7,.0f}x  "
        + (f"met (>= {GOAL_SPEED:g}x)" if fast >= GOAL_SPEED else f"NOT met (< {GOAL_SPEED:g}x)"),
        f"  {GOAL_COUNT} sandboxes at {GOAL_BLOCK} frames, p99 / block period: {share:>6.1%}  "
        + (f"met (<= {GOAL_P99_SHARE:.0%})" if share <= GOAL_P99_SHARE else f"NOT met (> {GOAL_P99_SHARE:.0%})"),
    ]
