"""What confinement costs: starting a sandbox (spawn, namespaces and file-system view,
Landlock, seccomp, ready), a sandbox's first device (the process is replaced by one that
shows the device's vendor's settings home), and rendering through a ZamComp, under the
default limits against no limits at all. Each is measured in pairs, one side right after
the other in alternating order, so that both see the same machine load; the overhead is
the median of the pairs' differences (starts) or ratios (renders), with the interquartile
range of those and the number of pairs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from fixtures import SAMPLE_RATE, ZAMCOMP_CLAP, compressor_input, missed_cycles, new_zamcomp
from stats import fmt_ns, fmt_seconds, print_table, time_goal

import scuff

BLOCK_SIZE = 256
START_GOAL_S = 0.020
RENDER_GOAL = 1.02
SETTLE_S = 0.005
CYCLES = 2000

CASES = {"no limits": scuff.SandboxLimits.unconfined(), "default limits": scuff.SandboxLimits()}


@dataclass(frozen=True)
class Spread:
    """The median of paired measurements, their interquartile range and how many pairs."""

    median: float
    q1: float
    q3: float
    pairs: int

    @staticmethod
    def of(values: Sequence[float]) -> Spread:
        q1, median, q3 = np.percentile(np.asarray(values, dtype=np.float64), [25, 50, 75])
        return Spread(float(median), float(q1), float(q3), len(values))


@dataclass(frozen=True)
class OverheadTimes:
    start_s: dict[str, list[float]]
    first_device_s: dict[str, list[float]]
    render_s: dict[str, list[float]]
    # Median of one audio cycle (Engine.time_cycles) after each render: what a block costs
    # without the tails that other work on a shared machine adds to a whole render.
    cycle_p50_ns: dict[str, list[float]]
    missed_cycles: int

    def start_overhead(self) -> Spread:
        return _differences(self.start_s)

    def first_device_overhead(self) -> Spread:
        return _differences(self.first_device_s)

    def render_ratio(self) -> Spread:
        return _ratios(self.render_s)

    def cycle_ratio(self) -> Spread:
        return _ratios(self.cycle_p50_ns)


def _ratios(samples: dict[str, list[float]]) -> Spread:
    return Spread.of([confined / free for confined, free in
                      zip(samples["default limits"], samples["no limits"], strict=True)])


def _differences(samples: dict[str, list[float]]) -> Spread:
    return Spread.of([confined - free for confined, free in
                      zip(samples["default limits"], samples["no limits"], strict=True)])


def _in_pairs(count: int, measure: Callable[[str, scuff.SandboxLimits], float]) -> dict[str, list[float]]:
    """`count` pairs of measure(case), the order of each pair alternating."""
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    order = list(CASES.items())
    for pair in range(count):
        for name, limits in order if pair % 2 == 0 else reversed(order):
            samples[name].append(measure(name, limits))
    return samples


def run(starts: int, render_seconds: float, repetitions: int) -> OverheadTimes:
    signal = compressor_input(render_seconds)
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
        # The vendor of the plugin is known once; every later first device only starts again.
        group.create_sandbox().create_device(ZAMCOMP_CLAP)

        def start(name: str, limits: scuff.SandboxLimits) -> float:
            started = time.perf_counter()
            sandbox = group.create_sandbox(limits=limits)
            elapsed = time.perf_counter() - started
            sandbox.close()
            return elapsed

        def first_device(name: str, limits: scuff.SandboxLimits) -> float:
            started = time.perf_counter()
            sandbox = group.create_sandbox(limits=limits)
            sandbox.create_device(ZAMCOMP_CLAP)
            elapsed = time.perf_counter() - started
            sandbox.close()
            return elapsed

        start_s = _in_pairs(starts, start)
        first_device_s = _in_pairs(starts, first_device)
        group.close()
        # A group each, so that a cycle of one never waits for the other sandbox.
        groups = {name: client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE) for name in CASES}
        devices = {name: new_zamcomp(groups[name].create_sandbox(limits=limits)) for name, limits in CASES.items()}
        for name, device in devices.items():
            groups[name].render({device: signal[:, :SAMPLE_RATE]}, device)  # warm-up
        cycle_p50_ns: dict[str, list[float]] = {name: [] for name in CASES}

        def render(name: str, limits: scuff.SandboxLimits) -> float:
            # The other sandbox's audio thread spins for a while after its last cycle
            # (the sandbox spin budget): it must be asleep, not sharing the CPUs.
            time.sleep(SETTLE_S)
            started = time.perf_counter()
            groups[name].render({devices[name]: signal}, devices[name])
            elapsed = time.perf_counter() - started
            time.sleep(SETTLE_S)
            cycle_p50_ns[name].append(statistics.median(groups[name]._engine.time_cycles(CYCLES, BLOCK_SIZE)))
            return elapsed

        render_s = _in_pairs(repetitions, render)
        missed = sum(missed_cycles(g) for g in groups.values())
    return OverheadTimes(start_s, first_device_s, render_s, cycle_p50_ns, missed)


def _seconds(spread: Spread) -> str:
    return f"{fmt_seconds(spread.median)} (IQR {fmt_seconds(spread.q1)} to {fmt_seconds(spread.q3)}, " \
           f"{spread.pairs} pairs)"


def _ratio(spread: Spread) -> str:
    return f"{spread.median:.3f}x (IQR {spread.q1:.3f}x to {spread.q3:.3f}x, {spread.pairs} pairs)"


def report(times: OverheadTimes, render_seconds: float) -> None:
    rows = []
    for name in CASES:
        rows.append([name, fmt_seconds(statistics.median(times.start_s[name])),
                     fmt_seconds(statistics.median(times.first_device_s[name])),
                     fmt_seconds(statistics.median(times.render_s[name])),
                     fmt_ns(statistics.median(times.cycle_p50_ns[name]))])
    print_table(f"6. Confinement overhead ({render_seconds:g} s renders through a ZamComp at {BLOCK_SIZE} frames)",
                ["limits", "start median", "first device median", "render median", "cycle p50 median"], rows,
                notes=[f"start overhead {_seconds(times.start_overhead())}: create_sandbox() to the sandbox "
                       "ready, its confinement reported, its file-system view built;",
                       f"first device overhead {_seconds(times.first_device_overhead())}: create_sandbox() and "
                       "create_device(ZamComp), the process replaced by one showing the vendor's settings home;",
                       f"render overhead {_ratio(times.render_ratio())}: ratios of whole renders;",
                       f"cycle overhead {_ratio(times.cycle_ratio())}: ratios of the medians of {CYCLES} cycles "
                       "(Engine.time_cycles) after each render, what a block costs without the tails",
                       "that other work on a shared machine adds to a whole render;",
                       "each overhead is the median of the pairs' differences or ratios, each pair measured one "
                       "right after the other in alternating order.",
                       *([f"WARNING: {times.missed_cycles} missed cycles: the render times are invalid"]
                         if times.missed_cycles else [])])


def goal_lines(times: OverheadTimes) -> list[str]:
    start, render, cycle = times.start_overhead(), times.render_ratio(), times.cycle_ratio()

    def met(spread: Spread) -> str:
        return f"{'met' if spread.median <= RENDER_GOAL else 'NOT met'} (<= {RENDER_GOAL:g}x)"
    return [
        f"  confinement start overhead: {_seconds(start)}  {time_goal(start.median, START_GOAL_S)}",
        f"  confinement render overhead: {_ratio(render)}  {met(render)}",
        f"  confinement cycle overhead: {_ratio(cycle)}  {met(cycle)}",
    ]
