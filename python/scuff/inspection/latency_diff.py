"""Comparing two latencies (two versions of a plugin, two settings) with a significance level."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from ..errors import ScuffError
from .report import InspectionReport


class Significance(enum.Enum):
    """How much a latency changed: NONE under 5%, MINOR 5 to 15%, MAJOR over 15%, CRITICAL
    over 15% and beyond the block budget."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


@dataclass(frozen=True)
class LatencyDiff:
    baseline_us: float
    current_us: float
    difference_us: float
    percent_change: float
    """Relative to the baseline; infinite when the baseline is 0 and the current is not."""
    significance: Significance


def latency_diff(before: InspectionReport | float, after: InspectionReport | float, *,
                 block_budget: float | None = None) -> LatencyDiff:
    """Compares two latencies: reports (their measured latency, else the reported one) or
    numbers of microseconds. `block_budget` is in microseconds; by default the period of
    `after`'s block when it is a report. A change of 15% or more is MAJOR, and CRITICAL when the
    new latency exceeds the block budget."""
    baseline = _latency_us(before, "before")
    current = _latency_us(after, "after")
    if block_budget is None and isinstance(after, InspectionReport):
        block_budget = after.block_budget_us
    difference = current - baseline
    if baseline == 0:
        percent = 0.0 if current == 0 else math.inf
    else:
        percent = 100.0 * difference / baseline
    change = abs(percent)
    if change < 5:
        significance = Significance.NONE
    elif change < 15:
        significance = Significance.MINOR
    elif block_budget is not None and current > block_budget:
        significance = Significance.CRITICAL
    else:
        significance = Significance.MAJOR
    return LatencyDiff(baseline, current, difference, percent, significance)


def _latency_us(value: InspectionReport | float, name: str) -> float:
    if isinstance(value, InspectionReport):
        latency = value.measured_latency_us
        if latency is None:
            latency = value.reported_latency_us
        if latency is None:
            raise ScuffError(f"the {name} report has no latency: the inspection {value.health}")
        return latency
    latency = float(value)
    if not math.isfinite(latency) or latency < 0:
        raise ScuffError(f"{name} is a latency in microseconds, not {value!r}")
    return latency
