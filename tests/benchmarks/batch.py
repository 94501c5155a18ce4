"""Batch rendering: jobs per second of `scuff.batch.render_many` with one and two workers,
against pedalboard rendering the same files in a `multiprocessing` pool of two processes, each
loading the plugin once. The pool is timed twice: started by the batch, as scuff's workers are
(the goal's baseline), and already running (the time of its map alone: what a pool kept between
batches costs per file). scuff's two workers are processes forked by its fork server, which a
program starts once, with its first such batch: here a warm-up batch before the rounds, and its
start is timed on its own. A batch is 160 files by default: one of 40 (half a second with two
workers) would time mostly what a batch costs to start (a worker's fork, client and sandbox,
about 70 ms; a pool's processes). All are timed in interleaved rounds, in a rotating order, so that the
machine's load weighs on each alike; every run reads and writes the files.

Two workloads: ZamComp, so light that what a job costs besides its DSP decides (scuff makes each
job's device afresh, pedalboard reuses its plugin), and ZaMultiCompX2, whose DSP weighs more.
(ZamVerb would weigh more still, but pedalboard prepares it at 44.1 kHz before each file and it
then reloads its impulse response: that would time the reload, not the hosts.)

Run alone: `python tests/benchmarks/batch.py [--files N] [--seconds S] [--rounds R]`. Goals
are reported, never asserted."""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
from fixtures import SAMPLE_RATE, THRESHOLD_DB, ZAMCOMP_VST3, _stderr_silenced, compressor_input
from stats import Spread

from scuff import batch
from scuff.batch.worker_processes import ForkServer

BLOCK_SIZE = 512
# Two workers take at most this share of one worker's time (at least 1.7x the jobs per second),
# and scuff's two workers at most pedalboard's two processes' time.
SPEEDUP_GOAL = 1 / 1.7
AGAINST_PEDALBOARD_GOAL = 1.0

ZAMULTICOMP_VST3 = Path("/usr/lib/vst3/ZaMultiCompX2.vst3")


@dataclass(frozen=True)
class Workload:
    label: str
    plugin: Path
    channels: int
    scuff_params: dict[str, float]
    pedalboard_params: dict[str, float]


WORKLOADS = (Workload("ZamComp (VST3), mono", ZAMCOMP_VST3, 1, {"Threshold": THRESHOLD_DB},
                      {"threshold_db": THRESHOLD_DB}),
             Workload("ZaMultiCompX2 (VST3), stereo", ZAMULTICOMP_VST3, 2, {}, {}))

_plugin: Any = None


def _load_plugin(workload: Workload) -> None:
    global _plugin
    import pedalboard

    _plugin = pedalboard.load_plugin(str(workload.plugin))
    for name, value in workload.pedalboard_params.items():
        setattr(_plugin, name, value)


def _load_plugin_quietly(workload: Workload) -> None:
    """A pool process's initializer: the DPF warnings its plugin prints when the process ends
    say nothing about either host and would be interleaved with the tables."""
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
    _load_plugin(workload)


def _pedalboard_one(paths: tuple[Path, Path]) -> None:
    source, target = paths
    audio, rate = soundfile.read(source, dtype="float32", always_2d=True)
    output = _plugin.process(audio.T, rate, buffer_size=BLOCK_SIZE, reset=True)
    soundfile.write(target, output.T, rate, subtype="FLOAT")


def _ready(_: int) -> None:
    # Long enough that each of the pool's two processes takes one: both have loaded the plugin.
    time.sleep(0.2)


def _files(folder: Path, count: int, seconds: float, channels: int) -> None:
    folder.mkdir(parents=True)
    for index in range(count):
        audio = np.repeat(compressor_input(seconds, seed=index), channels, axis=0)
        soundfile.write(folder / f"{index:03}.wav", audio.T, SAMPLE_RATE, subtype="FLOAT")


def run(files: int, seconds: float, rounds: int) -> dict[str, Any]:
    return {"fork_server_start": fork_server_starts(rounds),
            "workloads": [run_workload(workload, files, seconds, rounds) for workload in WORKLOADS]}


def fork_server_starts(rounds: int) -> list[float]:
    """How long starting the fork server of the local backend's worker processes takes: once
    per program, by its first batch of more than one worker (the rounds below are timed after a
    warm-up batch, so without it)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        server = ForkServer()
        times.append(time.perf_counter() - started)
        server.close()
    return times


def run_workload(workload: Workload, files: int, seconds: float, rounds: int) -> dict[str, Any]:
    """Per runner, its times per round; and the spreads of the goals' ratios."""
    root = Path(tempfile.mkdtemp(prefix="scuff-batch-bench-"))
    try:
        _files(root / "in", files, seconds, workload.channels)
        plugin = batch.Plugin(workload.plugin, params=workload.scuff_params)

        def scuff_run(workers: int) -> Callable[[Path], float]:
            def render(out: Path) -> float:
                started = time.perf_counter()
                jobs = batch.jobs_from_folder(root / "in", out, plugins=[plugin], block_size=BLOCK_SIZE)
                manifest = batch.render_many(jobs, workers=workers, progress=False)
                if manifest.failed:
                    raise RuntimeError(f"benchmark jobs failed: {manifest.failed[0].error}")
                return time.perf_counter() - started
            return render

        def pedalboard_run(warm: bool) -> Callable[[Path], float]:
            # A pool per run either way: an idle pedalboard process with a plugin loaded keeps
            # part of a core busy, which would weigh on scuff's runs.
            def render(out: Path) -> float:
                out.mkdir()
                started = time.perf_counter()
                context = multiprocessing.get_context("spawn")
                with context.Pool(2, initializer=_load_plugin_quietly, initargs=(workload,)) as pool:
                    if warm:
                        pool.map(_ready, range(2), chunksize=1)
                        started = time.perf_counter()
                    pool.map(_pedalboard_one, [(p, out / p.name) for p in sorted((root / "in").iterdir())])
                    return time.perf_counter() - started
            return render

        runners = {"scuff, 1 worker": scuff_run(1), "scuff, 2 workers": scuff_run(2),
                   "pedalboard, 2 processes": pedalboard_run(False),
                   "pedalboard, running pool": pedalboard_run(True)}
        times: dict[str, list[float]] = {label: [] for label in runners}
        labels = list(runners)
        scuff_run(2)(root / "warm")
        for number in range(rounds):
            shift = number % len(labels)
            for label in labels[shift:] + labels[:shift]:
                out = root / f"out-{number}-{labels.index(label)}"
                times[label].append(runners[label](out))
                shutil.rmtree(out)
        # The same files from both hosts: sandboxed renders equal in-process ones bit for bit.
        scuff_run(1)(root / "check-scuff")
        pedalboard_check = root / "check-pedalboard"
        pedalboard_check.mkdir()
        with _stderr_silenced():
            _load_plugin(workload)
            for path in sorted((root / "in").iterdir()):
                _pedalboard_one((path, pedalboard_check / path.name))
            globals()["_plugin"] = None
            gc.collect()
        same = all(np.array_equal(soundfile.read(root / "check-scuff" / p.name, dtype="float32")[0],
                                  soundfile.read(p, dtype="float32")[0]) for p in sorted(pedalboard_check.iterdir()))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    one, two, pedal, running = (times[label] for label in labels)
    return {"times": times, "speedup": Spread.of_ratios(two, one), "against": Spread.of_ratios(two, pedal),
            "against_running": Spread.of_ratios(two, running),
            "files": files, "seconds": seconds, "rounds": rounds, "same": same, "workload": workload.label}


def report(all_results: dict[str, Any]) -> None:
    starts = all_results["fork_server_start"]
    print(f"\nStarting the worker processes' fork server, once per program: {statistics.median(starts) * 1000:.0f} ms "
          f"[{min(starts) * 1000:.0f}, {max(starts) * 1000:.0f}]")
    for results in all_results["workloads"]:
        _report(results)


def _report(results: dict[str, Any]) -> None:
    files = results["files"]
    print(f"\nBatch rendering: {files} files of {results['seconds']:g} s through {results['workload']}, "
          f"{results['rounds']} interleaved rounds")
    for label, times in results["times"].items():
        rates = [files / t for t in times]
        print(f"  {label:25} {statistics.median(rates):7.1f} jobs/s  "
              f"[{min(rates):.1f}, {max(rates):.1f}]")
    print(f"  2 workers / 1 worker time: {results['speedup']}  "
          f"(speed-up {1 / results['speedup'].median:.2f}x)")
    print(f"  scuff 2 workers / pedalboard 2 processes time: {results['against']}")
    print(f"  scuff 2 workers / pedalboard's running pool time: {results['against_running']}")
    print(f"  outputs equal pedalboard's bit for bit: {results['same']}")


def goal_lines(all_results: dict[str, Any]) -> list[str]:
    lines = []
    for results in all_results["workloads"]:
        name = results["workload"].split(" ")[0]
        lines += [f"  batch {name}, 2 workers / 1 worker time: {results['speedup']}  "
                  f"{results['speedup'].goal(SPEEDUP_GOAL)}",
                  f"  batch {name}, scuff 2 workers / pedalboard + multiprocessing (2) time: {results['against']}  "
                  f"{results['against'].goal(AGAINST_PEDALBOARD_GOAL)}"]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=160)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    results = run(arguments.files, arguments.seconds, arguments.rounds)
    report(results)
    for line in goal_lines(results):
        print(line)
