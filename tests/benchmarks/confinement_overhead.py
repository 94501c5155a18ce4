"""What confinement costs: sandbox start (spawn, confinement, ready) and render time of a
ZamComp, under the default limits against no limits at all, interleaved in the same run so
that both sides see the same machine load."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from fixtures import SAMPLE_RATE, compressor_input, missed_cycles, new_zamcomp
from stats import fmt_ns, fmt_ratio, fmt_seconds, print_table, time_goal

import scuff

BLOCK_SIZE = 256
START_GOAL_S = 0.020
RENDER_GOAL = 1.02
SETTLE_S = 0.005
CYCLES = 2000


@dataclass(frozen=True)
class OverheadTimes:
    start_s: dict[str, list[float]]
    render_s: dict[str, list[float]]
    # Median of one audio cycle (Engine.time_cycles), per repetition: what a block costs
    # without the tails that other work on a shared machine adds to a whole render.
    cycle_p50_ns: dict[str, list[float]]
    missed_cycles: int


CASES = {"no limits": scuff.SandboxLimits.unconfined(), "default limits": scuff.SandboxLimits()}


def run(starts: int, render_seconds: float, repetitions: int) -> OverheadTimes:
    start_s: dict[str, list[float]] = {name: [] for name in CASES}
    render_s: dict[str, list[float]] = {name: [] for name in CASES}
    cycle_p50_ns: dict[str, list[float]] = {name: [] for name in CASES}
    signal = compressor_input(render_seconds)
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
        for _ in range(starts):
            for name, limits in CASES.items():
                started = time.perf_counter()
                sandbox = group.create_sandbox(limits=limits)
                start_s[name].append(time.perf_counter() - started)
                sandbox.close()
        group.close()
        # A group each, so that a cycle of one never waits for the other sandbox.
        groups = {name: client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE) for name in CASES}
        devices = {name: new_zamcomp(groups[name].create_sandbox(limits=limits)) for name, limits in CASES.items()}
        for name, device in devices.items():
            groups[name].render({device: signal[:, :SAMPLE_RATE]}, device)  # warm-up
        # Short renders in pairs, each pair in alternating order: the load of a shared
        # machine drifts slowly, so a pair's ratio is fair where whole medians are not.
        for repetition in range(repetitions):
            order = list(devices.items())
            for name, device in order if repetition % 2 == 0 else reversed(order):
                # The other sandbox's audio thread spins for a while after its last cycle
                # (the sandbox spin budget): it must be asleep, not sharing the CPUs.
                time.sleep(SETTLE_S)
                started = time.perf_counter()
                groups[name].render({device: signal}, device)
                render_s[name].append(time.perf_counter() - started)
                time.sleep(SETTLE_S)
                cycle_p50_ns[name].append(statistics.median(groups[name]._engine.time_cycles(CYCLES, BLOCK_SIZE)))
        missed = sum(missed_cycles(g) for g in groups.values())
    return OverheadTimes(start_s, render_s, cycle_p50_ns, missed)


def _overheads(times: OverheadTimes) -> tuple[float, float]:
    """Start overhead in seconds (difference of medians), render ratio (geometric mean of
    the pairs' ratios)."""
    start = {name: statistics.median(samples) for name, samples in times.start_s.items()}
    ratios = [confined / free for confined, free in zip(times.render_s["default limits"],
                                                         times.render_s["no limits"], strict=True)]
    # Geometric: a pair rendered in one order and the next in the other cancel out.
    return start["default limits"] - start["no limits"], statistics.geometric_mean(ratios)


def _cycle_ratio(times: OverheadTimes) -> float:
    return min(times.cycle_p50_ns["default limits"]) / min(times.cycle_p50_ns["no limits"])


def report(times: OverheadTimes, render_seconds: float) -> None:
    base_start = statistics.median(times.start_s["no limits"])
    base_render = statistics.median(times.render_s["no limits"])
    base_cycle = min(times.cycle_p50_ns["no limits"])
    rows = []
    for name in CASES:
        start, render = statistics.median(times.start_s[name]), statistics.median(times.render_s[name])
        cycle = min(times.cycle_p50_ns[name])
        rows.append([name, fmt_seconds(start), fmt_ratio(start / base_start), fmt_seconds(render),
                     fmt_ratio(render / base_render), fmt_ns(cycle), f"{cycle / base_cycle:.3f}x"])
    start_overhead, render_ratio = _overheads(times)
    print_table(f"6. Confinement overhead ({len(times.start_s['no limits'])} starts, "
                f"{len(times.render_s['no limits'])} renders of {render_seconds:g} s through a ZamComp at "
                f"{BLOCK_SIZE} frames)",
                ["limits", "start median", "/ no limits", "render median", "/ no limits", "cycle p50",
                 "/ no limits"], rows,
                notes=[f"start overhead {fmt_seconds(start_overhead)}; start is create_sandbox() to the sandbox "
                       "ready, its confinement reported.",
                       f"render overhead {render_ratio:.3f}x: the geometric mean of the ratios of renders made "
                       "in pairs, one after the other, in alternating order.",
                       f"cycle p50: the best repetition's median of {CYCLES} cycles (Engine.time_cycles). On a "
                       "shared machine the median jumps between a few levels (where the threads land);",
                       "the best level reached is the cost of a block itself.",
                       *([f"WARNING: {times.missed_cycles} missed cycles: the render times are invalid"]
                         if times.missed_cycles else [])])


def goal_lines(times: OverheadTimes) -> list[str]:
    start_overhead, render_ratio = _overheads(times)
    render_goal = "met" if render_ratio <= RENDER_GOAL else "NOT met"
    return [
        f"  confinement start overhead: {fmt_seconds(start_overhead):>9}  {time_goal(start_overhead, START_GOAL_S)}",
        f"  confinement render overhead: {render_ratio:.3f}x  {render_goal} (<= {RENDER_GOAL:g}x)",
        f"  confinement cycle p50 overhead: {_cycle_ratio(times):.3f}x  "
        f"{'met' if _cycle_ratio(times) <= RENDER_GOAL else 'NOT met'} (<= {RENDER_GOAL:g}x)",
    ]
