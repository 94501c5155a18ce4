"""Summaries of timing samples and the plain-text tables the benchmarks print."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Latency:
    """Percentiles of a set of durations, in nanoseconds."""

    count: int
    p50: float
    p99: float
    p999: float
    max: float

    @staticmethod
    def of(samples_ns: Sequence[int]) -> Latency:
        data = np.asarray(samples_ns, dtype=np.float64)
        if data.size == 0:
            raise ValueError("no samples")
        # "lower" picks a sample that was actually measured, so p50 of a clock with 10 ns
        # steps stays on a step instead of landing between two.
        p50, p99, p999 = np.percentile(data, [50, 99, 99.9], method="lower")
        return Latency(int(data.size), float(p50), float(p99), float(p999), float(data.max()))


def fmt_ns(ns: float) -> str:
    if ns < 1e3:
        return f"{ns:.0f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} us"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


def fmt_seconds(seconds: float) -> str:
    return fmt_ns(seconds * 1e9)


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.2f}x"


def time_goal(seconds: float, limit: float) -> str:
    """Whether a duration stays under its goal, worded for the table (never an assertion)."""
    return f"met (< {fmt_seconds(limit)})" if seconds < limit else f"NOT met (>= {fmt_seconds(limit)})"


def goal(ratio: float, limit: float) -> str:
    """Whether a ratio meets its goal, worded for the table (never an assertion: timings
    on shared machines vary too much to fail a build on)."""
    return f"met (<= {limit:g}x)" if ratio <= limit else f"NOT met (> {limit:g}x)"


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                notes: Sequence[str] = ()) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        # The first column is a label: left-aligned; numbers read best right-aligned.
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(cells[0]))
    print()
    print(title)
    print(rule)
    print(line(cells[0]))
    print(rule)
    for row in cells[1:]:
        print(line(row))
    print(rule)
    for note in notes:
        print(f"  {note}")


def load_average() -> str:
    """Shown beside the results: benchmarks run while other work shares the CPUs are worth
    less, and the reader should know."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
