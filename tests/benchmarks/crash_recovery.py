"""How fast a crash is seen and repaired, for a sandbox holding a ZamComp: from the crash
(SIGSEGV sent to the sandbox) to the sandbox being reported crashed, and from `restart()`
to the first rendered block with the device's state restored. Baselines from the same run:
how fast this process learns that a child exited (a pidfd on a plain `sleep`), and a cold
start (new sandbox, new ZamComp, its parameter set, first block)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from dataclasses import dataclass

import numpy as np
from fixtures import SAMPLE_RATE, THRESHOLD_DB, new_zamcomp
from stats import Spread, fmt_seconds, print_table

import scuff

BLOCK_SIZE = 256
DETECTION_GOAL_S = 0.010
RESTART_GOAL_S = 0.300


@dataclass(frozen=True)
class RecoveryTimes:
    raw_exit_s: list[float]
    detection_s: list[float]
    cold_start_s: list[float]
    restart_s: list[float]


def raw_exit_notice() -> float:
    """Seconds from SIGKILL to a pidfd saying so, for a child that runs no scuff code."""
    child = subprocess.Popen(["sleep", "60"])
    pidfd = os.pidfd_open(child.pid)
    try:
        started = time.perf_counter()
        os.kill(child.pid, signal.SIGKILL)
        select.select([pidfd], [], [])
        return time.perf_counter() - started
    finally:
        os.close(pidfd)
        child.wait()


def first_block(group: scuff.Group, device: scuff.Device, block: np.ndarray) -> np.ndarray:
    return group.process({device: block}, device)


def run(rounds: int) -> RecoveryTimes:
    block = np.random.default_rng(0).uniform(-0.5, 0.5, (1, BLOCK_SIZE)).astype(np.float32)
    raw, detection, cold, restart = [], [], [], []
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
        for _ in range(rounds):
            raw.append(raw_exit_notice())

            started = time.perf_counter()
            sandbox = group.create_sandbox()
            comp = new_zamcomp(sandbox)
            first_block(group, comp, block)
            cold.append(time.perf_counter() - started)

            started = time.perf_counter()
            os.kill(sandbox.pid, signal.SIGSEGV)
            # Polled with sleeps: a loop that never sleeps would keep the GIL from the
            # client's event-loop thread, which makes the state change.
            while sandbox.state != "crashed":
                time.sleep(20e-6)
            detection.append(time.perf_counter() - started)

            started = time.perf_counter()
            sandbox.restart()
            first_block(group, comp, block)
            restart.append(time.perf_counter() - started)
            if comp.get_param("Threshold") != THRESHOLD_DB:
                raise RuntimeError("the restarted ZamComp lost its threshold")
            sandbox.close()
    return RecoveryTimes(raw, detection, cold, restart)


def report(times: RecoveryTimes, rounds: int) -> None:
    rows = [
        ["child exit seen by a pidfd (baseline)", Spread(tuple(times.raw_exit_s)).text(fmt_seconds), "1.00x"],
        ["crash to sandbox reported crashed", Spread(tuple(times.detection_s)).text(fmt_seconds),
         str(Spread.of_ratios(times.detection_s, times.raw_exit_s))],
        ["cold start to first block (baseline)", Spread(tuple(times.cold_start_s)).text(fmt_seconds), "1.00x"],
        ["restart() to first block, state restored", Spread(tuple(times.restart_s)).text(fmt_seconds),
         str(Spread.of_ratios(times.restart_s, times.cold_start_s))],
    ]
    print_table(f"5. Crash recovery of a sandbox with a ZamComp ({rounds} rounds, {BLOCK_SIZE} frames)",
                ["case", "time [middle half] rounds", "/ its baseline, per round"], rows,
                notes=["the crash is a SIGSEGV sent to the sandbox process; detection is the state change "
                       "the client's event loop makes when the process's pidfd becomes readable. Each round "
                       "measures a baseline and its case back to back."])


def goal_lines(times: RecoveryTimes) -> list[str]:
    detection, restart = Spread(tuple(times.detection_s)), Spread(tuple(times.restart_s))
    return [
        f"  crash to detection: {detection.text(fmt_seconds)}  {detection.goal(DETECTION_GOAL_S, fmt_seconds)}",
        f"  restart to audio with state: {restart.text(fmt_seconds)}  {restart.goal(RESTART_GOAL_S, fmt_seconds)}",
    ]
