"""Cycle round trip of one group as its sandboxes outnumber the CPUs. Every sandbox's audio
thread and the client spin while they wait, so once there are more of them than CPUs they
compete with the very threads they wait for: this is where spinning stops paying."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from cycle_round_trip import BLOCK_SIZE, group_timer, interleave
from fixtures import SAMPLE_RATE, Spin, missed_cycles, new_sandbox, new_zamcomp
from stats import Latency, fmt_ns, fmt_ratio, print_table

import scuff

# The time one block lasts in real time: a cycle longer than this is an audible dropout.
BLOCK_PERIOD_NS = BLOCK_SIZE / SAMPLE_RATE * 1e9


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def counts() -> list[int]:
    cpus = usable_cpus()
    return sorted({1, 2, cpus, cpus + 1})


@contextlib.contextmanager
def groups_by_count(sandbox_counts: list[int], spin: Spin | None = None
                    ) -> Iterator[dict[int, scuff.Group]]:
    """One group per count, each sandbox holding a ZamComp of its own."""
    with scuff.Client() as client:
        groups = {}
        for count in sandbox_counts:
            group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
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
    missed: dict[int, int]


def time_groups(groups: dict[int, scuff.Group], cycles: int, chunks: int) -> CountResults:
    missed_before = {n: missed_cycles(g) for n, g in groups.items()}
    samples = interleave({n: group_timer(g) for n, g in groups.items()}, cycles, chunks)
    missed = {n: missed_cycles(g) - missed_before[n] for n, g in groups.items()}
    return CountResults({n: Latency.of(s) for n, s in samples.items()}, missed)


def run(cycles: int, chunks: int) -> CountResults:
    with groups_by_count(counts()) as groups:
        return time_groups(groups, cycles, chunks)


def report(results: CountResults, cycles: int) -> None:
    latencies, missed = results.latencies, results.missed
    single = latencies[min(latencies)].p50
    rows = []
    for count, latency in latencies.items():
        rows.append([
            f"{count} sandbox(es)",
            fmt_ns(latency.p50),
            fmt_ns(latency.p99),
            fmt_ns(latency.p999),
            fmt_ns(latency.max),
            fmt_ratio(latency.p50 / single),
            f"{latency.p999 / BLOCK_PERIOD_NS:.1%}",
        ])
    print_table(
        f"3. Cycle round trip vs sandboxes per group ({cycles} cycles, one ZamComp per sandbox, "
        f"{usable_cpus()} usable CPU(s), default spin budgets)",
        ["group", "p50", "p99", "p99.9", "max", "p50 / 1 sandbox", "p99.9 / block period"],
        rows,
        notes=[
            f"block period = {BLOCK_SIZE} frames at {SAMPLE_RATE} Hz = {fmt_ns(BLOCK_PERIOD_NS)}: "
            "a real-time host drops out when a cycle takes longer.",
            *(f"WARNING: {count} sandbox(es): {n} cycle(s) missed their deadline"
              for count, n in missed.items() if n),
        ],
    )
