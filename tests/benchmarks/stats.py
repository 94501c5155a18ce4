"""Summaries of timing samples and the plain-text tables the benchmarks print."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class Spread:
    """Samples of one figure, summarised by their median and the middle half of them
    (the interquartile range): most often one per interleaved pair (a ratio or a difference
    of a measurement and its baseline, run back to back in alternating order), since on a
    noisy machine the pairs' median moves far less than a best-of figure, and the middle
    half says how far to trust it."""

    values: tuple[float, ...]

    @staticmethod
    def of_ratios(measured: Sequence[float], baseline: Sequence[float]) -> Spread:
        """measured / baseline, per pair."""
        _check_pairs(measured, baseline)
        return Spread(tuple(m / b for m, b in zip(measured, baseline, strict=True)))

    @staticmethod
    def of_differences(measured: Sequence[float], baseline: Sequence[float], per: float = 1.0) -> Spread:
        """(measured - baseline) / per, per pair."""
        _check_pairs(measured, baseline)
        return Spread(tuple((m - b) / per for m, b in zip(measured, baseline, strict=True)))

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    @property
    def quartiles(self) -> tuple[float, float]:
        q1, q3 = np.percentile(self.values, [25, 75])
        return float(q1), float(q3)

    def text(self, fmt: Callable[[float], str]) -> str:
        q1, q3 = self.quartiles
        return f"{fmt(self.median)} [{fmt(q1)}, {fmt(q3)}] n={self.count}"

    def __str__(self) -> str:
        return self.text(fmt_ratio)

    def goal(self, limit: float, fmt: Callable[[float], str] = lambda x: f"{x:g}x") -> str:
        """A goal (at most `limit`) judged on the middle half of the pairs: met when all of
        it is at or under the limit, not met when all of it is over, and otherwise too
        spread out to say. Never an assertion."""
        q1, q3 = self.quartiles
        if q3 <= limit:
            return f"met (<= {fmt(limit)})"
        if q1 > limit:
            return f"NOT met (> {fmt(limit)})"
        return f"spread too wide to judge ({fmt(limit)} lies inside it)"


def _check_pairs(measured: Sequence[float], baseline: Sequence[float]) -> None:
    if not measured or len(measured) != len(baseline):
        raise ValueError(f"{len(measured)} measurements for {len(baseline)} baselines")


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
