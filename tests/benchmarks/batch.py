"""Batch rendering: jobs per second of `scuff.batch.render_many` with one and two workers,
against pedalboard rendering the same files in a `multiprocessing` pool of two processes (each
loading the plugin once, as its docs suggest), all timed in interleaved rounds (the three in a
rotating order) so that the machine's load weighs on each alike. Every run reads and writes
the files. Run alone: `python tests/benchmarks/batch.py [--files N] [--seconds S] [--rounds R]`.
Goals are reported, never asserted."""

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
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
from fixtures import SAMPLE_RATE, THRESHOLD_DB, ZAMCOMP_VST3, _stderr_silenced, compressor_input
from stats import Spread

from scuff import batch

BLOCK_SIZE = 512
# Two workers take at most this share of one worker's time (at least 1.7x the jobs per second),
# and scuff's two workers at most pedalboard's two processes' time.
SPEEDUP_GOAL = 1 / 1.7
AGAINST_PEDALBOARD_GOAL = 1.0

_plugin: Any = None


def _load_plugin() -> None:
    global _plugin
    import pedalboard

    _plugin = pedalboard.load_plugin(str(ZAMCOMP_VST3))
    _plugin.threshold_db = THRESHOLD_DB


def _load_plugin_quietly() -> None:
    """A pool process's initializer: the DPF warnings its plugin prints when the process ends
    say nothing about either host and would be interleaved with the tables."""
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
    _load_plugin()


def _pedalboard_one(paths: tuple[Path, Path]) -> None:
    source, target = paths
    audio, rate = soundfile.read(source, dtype="float32", always_2d=True)
    output = _plugin.process(audio.T, rate, buffer_size=BLOCK_SIZE, reset=True)
    soundfile.write(target, output.T, rate, subtype="FLOAT")


def _files(folder: Path, count: int, seconds: float) -> None:
    folder.mkdir(parents=True)
    for index in range(count):
        soundfile.write(folder / f"{index:03}.wav", compressor_input(seconds, seed=index).T, SAMPLE_RATE,
                        subtype="FLOAT")


def run(files: int, seconds: float, rounds: int) -> dict[str, Any]:
    """Per runner, its times per round; and the spreads of the goals' ratios."""
    root = Path(tempfile.mkdtemp(prefix="scuff-batch-bench-"))
    try:
        _files(root / "in", files, seconds)
        pool = multiprocessing.get_context("spawn").Pool(2, initializer=_load_plugin_quietly)
        plugin = batch.Plugin(ZAMCOMP_VST3, params={"Threshold": THRESHOLD_DB})

        def scuff_run(workers: int) -> Callable[[Path], None]:
            def render(out: Path) -> None:
                jobs = batch.jobs_from_folder(root / "in", out, plugins=[plugin], block_size=BLOCK_SIZE)
                manifest = batch.render_many(jobs, workers=workers, progress=False)
                if manifest.failed:
                    raise RuntimeError(f"benchmark jobs failed: {manifest.failed[0].error}")
            return render

        def pedalboard_run(out: Path) -> None:
            out.mkdir()
            pool.map(_pedalboard_one, [(p, out / p.name) for p in sorted((root / "in").iterdir())])

        runners = {"scuff, 1 worker": scuff_run(1), "scuff, 2 workers": scuff_run(2),
                   "pedalboard, 2 processes": pedalboard_run}
        times: dict[str, list[float]] = {label: [] for label in runners}
        labels = list(runners)
        try:
            pool.map(_pedalboard_one, [])
            scuff_run(2)(root / "warm")
            for number in range(rounds):
                for label in labels[number % 3:] + labels[:number % 3]:
                    out = root / f"out-{number}-{labels.index(label)}"
                    started = time.perf_counter()
                    runners[label](out)
                    times[label].append(time.perf_counter() - started)
                    shutil.rmtree(out)
        finally:
            pool.close()
            pool.join()
        # The same files from both hosts: sandboxed renders equal in-process ones bit for bit.
        scuff_run(1)(root / "check-scuff")
        pedalboard_check = root / "check-pedalboard"
        pedalboard_check.mkdir()
        _load_plugin()
        for path in sorted((root / "in").iterdir()):
            _pedalboard_one((path, pedalboard_check / path.name))
        with _stderr_silenced():
            globals()["_plugin"] = None
            gc.collect()
        same = all(np.array_equal(soundfile.read(root / "check-scuff" / p.name, dtype="float32")[0],
                                  soundfile.read(p, dtype="float32")[0]) for p in sorted(pedalboard_check.iterdir()))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    one, two, pedal = (times[label] for label in labels)
    return {"times": times, "speedup": Spread.of_ratios(two, one), "against": Spread.of_ratios(two, pedal),
            "files": files, "seconds": seconds, "rounds": rounds, "same": same}


def report(results: dict[str, Any]) -> None:
    files = results["files"]
    print(f"\nBatch rendering: {files} files of {results['seconds']:g} s through ZamComp (VST3), "
          f"{results['rounds']} interleaved rounds")
    for label, times in results["times"].items():
        rates = [files / t for t in times]
        print(f"  {label:24} {statistics.median(rates):7.1f} jobs/s  "
              f"[{min(rates):.1f}, {max(rates):.1f}]")
    print(f"  2 workers / 1 worker time: {results['speedup']}  "
          f"(speed-up {1 / results['speedup'].median:.2f}x)")
    print(f"  scuff 2 workers / pedalboard 2 processes time: {results['against']}")
    print(f"  outputs equal pedalboard's bit for bit: {results['same']}")


def goal_lines(results: dict[str, Any]) -> list[str]:
    return [f"  batch, 2 workers / 1 worker time: {results['speedup']}  {results['speedup'].goal(SPEEDUP_GOAL)}",
            f"  batch, scuff 2 workers / pedalboard + multiprocessing (2) time: {results['against']}  "
            f"{results['against'].goal(AGAINST_PEDALBOARD_GOAL)}"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    results = run(arguments.files, arguments.seconds, arguments.rounds)
    report(results)
    for line in goal_lines(results):
        print(line)
