"""scuff benchmarks: `python tests/benchmarks/run.py [--quick] [--spin-sweep] [--against REV]`.

Every result is a ratio against a baseline measured in the same run, because absolute
times on shared machines say little. Goals are reported, never asserted: the exit status
is non-zero only when a measurement is invalid (a sandbox missed cycles), not when slow.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import against_revision
import async_creation
import batch
import chain_vs_in_process
import confinement_overhead
import crash_recovery
import cycle_round_trip
import editor_open
import event_cost
import live_jack
import process_stats_cost
import render_vs_in_process
import sandbox_count
import scan_times
import spin_settings
import studio_lag
from fixtures import ZAMCOMP_CLAP, ZAMCOMP_VST3, default_spin
from stats import fmt_ns, load_average


@dataclass(frozen=True)
class Sizes:
    render_seconds: float
    render_repetitions: int
    chain_seconds: float
    chain_repetitions: int
    cycles: int
    chunks: int
    crowd_cycles: int
    sweep_render_seconds: float
    sweep_repetitions: int
    sweep_cycles: int
    scan_repetitions: int
    recovery_rounds: int
    event_seconds: float
    confinement_starts: int
    confinement_render_seconds: float
    confinement_repetitions: int
    stats_seconds: float
    stats_repetitions: int
    live_seconds: float
    batch_files: int
    batch_seconds: float
    batch_rounds: int


FULL = Sizes(render_seconds=30, render_repetitions=7, chain_seconds=10, chain_repetitions=7,
             cycles=20000, chunks=5, crowd_cycles=3000,
             sweep_render_seconds=10, sweep_repetitions=3, sweep_cycles=10000, scan_repetitions=5,
             recovery_rounds=20, event_seconds=30, confinement_starts=30, confinement_render_seconds=10,
             confinement_repetitions=41, stats_seconds=10, stats_repetitions=21, live_seconds=30,
             batch_files=160, batch_seconds=3.0, batch_rounds=5)
# Small enough for a smoke test, yet every code path of the full run is exercised.
QUICK = Sizes(render_seconds=5, render_repetitions=2, chain_seconds=2, chain_repetitions=2,
              cycles=2000, chunks=2, crowd_cycles=1000,
              sweep_render_seconds=3, sweep_repetitions=2, sweep_cycles=2000, scan_repetitions=2,
              recovery_rounds=5, event_seconds=5, confinement_starts=6, confinement_render_seconds=1,
              confinement_repetitions=11, stats_seconds=2, stats_repetitions=5, live_seconds=3,
              batch_files=8, batch_seconds=0.5, batch_rounds=2)


def describe_machine() -> None:
    repo = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "-C", str(repo), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    try:
        import pedalboard
        pedalboard_version = pedalboard.__version__
    except ImportError:
        pedalboard_version = "missing"
    spin = default_spin()
    usable_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"scuff benchmarks at {commit}; python {platform.python_version()}, "
          f"pedalboard {pedalboard_version}")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU(s), "
          f"{usable_cpus} usable; load average {load_average()}")
    print(f"product spin budgets: {spin.label}")
    # A cycle needs the client thread and the sandbox's audio thread on CPUs of their own:
    # when they share one, each spins out its budget while the other waits for the CPU.
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if usable_cpus != "?" and (usable_cpus < 2 or busy > usable_cpus - 1):
        print(f"WARNING: {usable_cpus} usable CPU(s) with load {busy:.2f}: the client and its "
              "sandbox will often share a CPU, and the sandboxed numbers measure that.")


def timed_section(label: str, durations: dict[str, float], action):
    started = time.perf_counter()
    result = action()
    durations[label] = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run, for a smoke test")
    parser.add_argument("--live-only", action="store_true", help="only the live benchmark through JACK")
    parser.add_argument("--spin-sweep", action="store_true",
                        help="also measure under other client/sandbox spin budgets")
    parser.add_argument("--against", metavar="REV",
                        help="only compare this build with git revision REV, workload by workload")
    parser.add_argument("--pairs", type=int, default=9, help="interleaved pairs per workload for --against")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL

    missing = [str(p) for p in (ZAMCOMP_CLAP, ZAMCOMP_VST3) if not p.exists()]
    if missing:
        print(f"cannot benchmark: missing {', '.join(missing)} (install the zam-plugins package)",
              file=sys.stderr)
        return 2

    started = time.perf_counter()
    describe_machine()
    if args.against:
        comparisons = against_revision.run(args.against, args.pairs)
        against_revision.report(comparisons, args.against, args.pairs)
        return 0
    if args.live_only:
        reason = live_jack.available()
        if reason:
            print(f"cannot benchmark live: {reason}", file=sys.stderr)
            return 2
        live_results = live_jack.run(sizes.live_seconds)
        live_jack.report(live_results, sizes.live_seconds)
        for line in live_jack.goal_lines(live_results):
            print(line)
        return 0
    durations: dict[str, float] = {}

    renders = timed_section("render", durations, lambda: render_vs_in_process.run(
        sizes.render_seconds, sizes.render_repetitions))
    render_vs_in_process.report(renders, sizes.render_seconds, sizes.render_repetitions)

    chain = timed_section("chain", durations, lambda: chain_vs_in_process.run(
        sizes.chain_seconds, sizes.chain_repetitions))
    chain_vs_in_process.report(chain, sizes.chain_seconds, sizes.chain_repetitions)

    cycles = timed_section("cycles", durations, lambda: cycle_round_trip.run(
        sizes.cycles, sizes.chunks))
    cycle_round_trip.report(cycles, sizes.cycles)

    crowding = timed_section("sandbox count", durations, lambda: sandbox_count.run(
        sizes.crowd_cycles, sizes.chunks))
    sandbox_count.report(crowding, sizes.crowd_cycles)

    scans = timed_section("scan", durations, lambda: scan_times.run(sizes.scan_repetitions))
    scan_times.report(scans, sizes.scan_repetitions)

    recovery = timed_section("crash recovery", durations, lambda: crash_recovery.run(sizes.recovery_rounds))
    crash_recovery.report(recovery, sizes.recovery_rounds)

    events = timed_section("event cost", durations, lambda: event_cost.run(
        sizes.event_seconds, sizes.render_repetitions))
    event_cost.report(events, sizes.render_repetitions)

    overhead = timed_section("confinement", durations, lambda: confinement_overhead.run(
        sizes.confinement_starts, sizes.confinement_render_seconds, sizes.confinement_repetitions))
    confinement_overhead.report(overhead, sizes.confinement_render_seconds)

    editor_rounds = 2 if args.quick else 5
    editors = timed_section("editors", durations, lambda: editor_open.run(editor_rounds))
    editor_open.report(editors, editor_rounds)

    async_pairs = 3 if args.quick else 7
    creations = timed_section("async creation", durations, lambda: async_creation.run(async_pairs))
    async_creation.report(creations, async_pairs)

    batches = timed_section("batch", durations, lambda: batch.run(
        sizes.batch_files, sizes.batch_seconds, sizes.batch_rounds))
    batch.report(batches)

    stats_cost = timed_section("statistics", durations, lambda: process_stats_cost.run(
        sizes.stats_seconds, sizes.stats_repetitions))
    process_stats_cost.report(stats_cost, sizes.stats_repetitions)

    live_missing = live_jack.available()
    live: list[live_jack.LiveResult] = []
    if live_missing:
        print(f"\nlive benchmark skipped: {live_missing}")
    else:
        live = timed_section("live", durations, lambda: live_jack.run(sizes.live_seconds))
        live_jack.report(live, sizes.live_seconds)

    studio_missing = studio_lag.available()
    studio: studio_lag.StudioLags | None = None
    studio_rounds = 2 if args.quick else 5
    if studio_missing:
        print(f"\nstudio benchmark skipped: {studio_missing}")
    else:
        studio = timed_section("studio", durations, lambda: studio_lag.run(studio_rounds))
        studio_lag.report(studio, studio_rounds)

    if args.spin_sweep:
        sweep = timed_section("spin sweep", durations, lambda: spin_settings.run(
            sizes.sweep_cycles, sizes.crowd_cycles, sizes.chunks, sizes.sweep_render_seconds,
            sizes.sweep_repetitions))
        spin_settings.report(sweep, sizes.sweep_cycles, sizes.crowd_cycles,
                             sizes.sweep_render_seconds, sizes.sweep_repetitions)

    print()
    print("Goals")
    for r in renders:
        limit = render_vs_in_process.GOALS[r.plugin_format, r.block_size]
        print(f"  {r.plugin_format.upper()} render at {r.block_size:>3} frames, sandboxed / in-process: "
              f"{r.ratio}  {r.ratio.goal(limit)}")
        print(f"  {r.plugin_format.upper()} render at {r.block_size:>3} frames, chunked / in-process: "
              f"{r.chunked_ratio}  {r.chunked_ratio.goal(render_vs_in_process.CHUNKED_GOAL)}")
    for line in chain_vs_in_process.goal_lines(chain):
        print(line)
    empty = cycles.latencies[cycle_round_trip.EMPTY].p50
    spin_p50 = cycles.latencies[cycle_round_trip.RAW_SPIN].p50
    against_spin = cycles.against_spin[cycle_round_trip.EMPTY]
    print(f"  empty cycle p50 / raw spin p50 ({fmt_ns(empty)} / {fmt_ns(spin_p50)}), by chunk: "
          f"{against_spin}  {against_spin.goal(cycle_round_trip.GOAL)}")
    for line in [*sandbox_count.goal_lines(crowding), *scan_times.goal_lines(scans),
                 *crash_recovery.goal_lines(recovery), *event_cost.goal_lines(events),
                 *confinement_overhead.goal_lines(overhead), *editor_open.goal_lines(editors),
                 *process_stats_cost.goal_lines(stats_cost), *async_creation.goal_lines(creations),
                 *batch.goal_lines(batches),
                 *live_jack.goal_lines(live), *studio_lag.goal_lines(studio)]:
        print(line)

    print()
    sections = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in durations.items())
    print(f"{'quick' if args.quick else 'full'} run took {time.perf_counter() - started:.1f} s "
          f"({sections}); load average now {load_average()}")

    invalid = (any(r.missed_cycles for r in renders) or chain.missed_cycles or any(cycles.missed.values())
               or any(any(r.missed.values()) for r in crowding.values()) or overhead.missed_cycles
               or stats_cost.missed_cycles)
    if invalid:
        print("some measurements are invalid: a sandbox missed cycles (see the warnings above)")
    return 1 if invalid else 0


if __name__ == "__main__":
    # Confined sandboxes keep their plugins' settings homes in XDG_DATA_HOME: a temporary
    # one for the run (and every process it starts), never the user's own.
    with tempfile.TemporaryDirectory(prefix="scuff-bench-data-") as data_home:
        os.environ["XDG_DATA_HOME"] = data_home
        sys.exit(main())
