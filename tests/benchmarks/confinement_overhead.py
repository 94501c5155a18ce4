"""What confinement costs: sandbox start (spawn, confinement, ready) and render time of a
ZamComp, under the default limits against no limits at all, interleaved in the same run so
that both sides see the same machine load."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from fixtures import SAMPLE_RATE, compressor_input, missed_cycles, new_zamcomp
from stats import fmt_ratio, fmt_seconds, print_table, time_goal

import scuff

BLOCK_SIZE = 256
START_GOAL_S = 0.020
RENDER_GOAL = 1.02


@dataclass(frozen=True)
class OverheadTimes:
    start_s: dict[str, list[float]]
    render_s: dict[str, list[float]]
    missed_cycles: int


CASES = {"no limits": scuff.SandboxLimits.unconfined(), "default limits": scuff.SandboxLimits()}


def run(starts: int, render_seconds: float, repetitions: int) -> OverheadTimes:
    start_s: dict[str, list[float]] = {name: [] for name in CASES}
    render_s: dict[str, list[float]] = {name: [] for name in CASES}
    signal = compressor_input(render_seconds)
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
        for _ in range(starts):
            for name, limits in CASES.items():
                started = time.perf_counter()
                sandbox = group.create_sandbox(limits=limits)
                start_s[name].append(time.perf_counter() - started)
                sandbox.close()
        devices = {name: new_zamcomp(group.create_sandbox(limits=limits)) for name, limits in CASES.items()}
        for device in devices.values():
            group.render({device: signal[:, :SAMPLE_RATE]}, device)  # warm-up
        # Short renders in pairs, each pair in alternating order: the load of a shared
        # machine drifts slowly, so a pair's ratio is fair where whole medians are not.
        for repetition in range(repetitions):
            order = list(devices.items())
            for name, device in order if repetition % 2 == 0 else reversed(order):
                started = time.perf_counter()
                group.render({device: signal}, device)
                render_s[name].append(time.perf_counter() - started)
        missed = missed_cycles(group)
    return OverheadTimes(start_s, render_s, missed)


def _overheads(times: OverheadTimes) -> tuple[float, float]:
    """Start overhead in seconds (difference of medians), render ratio (median of the
    pairs' ratios)."""
    start = {name: statistics.median(samples) for name, samples in times.start_s.items()}
    ratios = [confined / free for confined, free in zip(times.render_s["default limits"],
                                                         times.render_s["no limits"], strict=True)]
    return start["default limits"] - start["no limits"], statistics.median(ratios)


def report(times: OverheadTimes, render_seconds: float) -> None:
    base_start = statistics.median(times.start_s["no limits"])
    base_render = statistics.median(times.render_s["no limits"])
    rows = []
    for name in CASES:
        start, render = statistics.median(times.start_s[name]), statistics.median(times.render_s[name])
        rows.append([name, fmt_seconds(start), fmt_ratio(start / base_start), fmt_seconds(render),
                     fmt_ratio(render / base_render)])
    start_overhead, render_ratio = _overheads(times)
    print_table(f"6. Confinement overhead ({len(times.start_s['no limits'])} starts, "
                f"{len(times.render_s['no limits'])} renders of {render_seconds:g} s through a ZamComp at "
                f"{BLOCK_SIZE} frames)",
                ["limits", "start median", "/ no limits", "render median", "/ no limits"], rows,
                notes=[f"start overhead {fmt_seconds(start_overhead)}; start is create_sandbox() to the sandbox "
                       "ready, its confinement reported.",
                       f"render overhead {fmt_ratio(render_ratio)}: the median ratio of renders made in pairs, "
                       "one after the other.",
                       *([f"WARNING: {times.missed_cycles} missed cycles: the render times are invalid"]
                         if times.missed_cycles else [])])


def goal_lines(times: OverheadTimes) -> list[str]:
    start_overhead, render_ratio = _overheads(times)
    render_goal = "met" if render_ratio <= RENDER_GOAL else "NOT met"
    return [
        f"  confinement start overhead: {fmt_seconds(start_overhead):>9}  {time_goal(start_overhead, START_GOAL_S)}",
        f"  confinement render overhead: {fmt_ratio(render_ratio):>7}  {render_goal} (<= {RENDER_GOAL:g}x)",
    ]
