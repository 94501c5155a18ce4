"""Plugin scan times for the machine's plugin folders: a cold scan (empty cache: one
scuff-scan process per file, as many at once as there are CPUs) and a cached rescan (no
process at all). The baseline is the launch floor: the same number of scanner processes,
equally parallel, that exit at once without loading anything."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from stats import Spread, fmt_seconds, print_table

import scuff
from scuff.formats import standard_folders
from scuff.process.executables import executable
from scuff.scan.plugin_files import find_plugin_files

# The goals for the 34 ZAM plugins (17 CLAP files, 17 VST3 bundles) on 2 CPUs.
COLD_GOAL_S = 5.0
CACHED_GOAL_S = 0.2


@dataclass(frozen=True)
class ScanTimes:
    files: int
    plugins: int
    broken: int
    cold_s: list[float]
    cached_s: list[float]
    launch_floor_s: list[float]


def plugin_files() -> list[str]:
    return [str(p) for p in find_plugin_files(f for f in standard_folders() if f.is_dir())]


def launch_floor(files: list[str]) -> float:
    """Seconds to start and reap one scanner per file, in parallel, each exiting on its
    usage message before it loads anything."""
    scanner = str(executable("scuff-scan"))

    def launch(_: str) -> None:
        subprocess.run([scanner], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(launch, files))
    return time.perf_counter() - started


def run(repetitions: int) -> ScanTimes:
    files = plugin_files()
    cold, cached, floor = [], [], []
    plugins = broken = 0
    for _ in range(repetitions):
        floor.append(launch_floor(files))
        with tempfile.TemporaryDirectory() as cache_dir, scuff.Client(cache_dir=cache_dir) as client:
            started = time.perf_counter()
            found = client.scan()
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            again = client.scan()
            cached.append(time.perf_counter() - started)
            if again != found:
                raise RuntimeError("the cached scan found other plugins than the cold one")
            plugins, broken = len(found), len(client.broken_plugins)
    return ScanTimes(len(files), plugins, broken, cold, cached, floor)


def report(times: ScanTimes, repetitions: int) -> None:
    per_file = max(times.files, 1)
    rows = [["launch floor (baseline)", Spread(tuple(times.launch_floor_s)).text(fmt_seconds),
             fmt_seconds(statistics.median(times.launch_floor_s) / per_file), "1.00x"]]
    for name, samples in (("cold scan", times.cold_s), ("cached scan", times.cached_s)):
        rows.append([name, Spread(tuple(samples)).text(fmt_seconds), fmt_seconds(statistics.median(samples) / per_file),
                     str(Spread.of_ratios(samples, times.launch_floor_s))])
    print_table(
        f"4. Plugin scan of the standard folders: {times.files} files, {times.plugins} plugins, "
        f"{times.broken} unusable; {repetitions} rounds, {os.cpu_count()} CPU(s)",
        ["scan", "time [middle half] rounds", "per file", "/ launch floor, per round"],
        rows,
        notes=[
            f"cached / cold, per round: {Spread.of_ratios(times.cached_s, times.cold_s)}",
            "launch floor: as many scanner processes, as parallel, that exit before loading a plugin; "
            "each round times it, then the scans.",
        ],
    )


def goal_lines(times: ScanTimes) -> list[str]:
    cold, cached = Spread(tuple(times.cold_s)), Spread(tuple(times.cached_s))
    return [
        f"  cold scan of {times.files} files: {cold.text(fmt_seconds)}  {cold.goal(COLD_GOAL_S, fmt_seconds)}",
        f"  cached scan of {times.files} files: {cached.text(fmt_seconds)}  "
        f"{cached.goal(CACHED_GOAL_S, fmt_seconds)}",
    ]
