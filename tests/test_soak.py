"""Soak: thousands of cycles with random crashes and restarts. The bystander sandbox stays
bit-exact throughout, every crash is recovered, and nothing leaks. SCUFF_SOAK_CYCLES sets
the length (CI runs the short default)."""

from __future__ import annotations

import gc
import os
import random
import signal

import numpy as np

import scuff
from support.resources import snapshot
from support.test_plugins import FAULTS_FILE, FAULTY_ID, PASSTHROUGH_ID, PLUGINS_FILE, Fault
from support.waiting import wait_until

BLOCK = 64
CYCLES = int(os.environ.get("SCUFF_SOAK_CYCLES", "3000"))
CRASH_CHANCE = 0.02
FAULTS = [Fault.CRASH_IN_PROCESS, Fault.ABORT_IN_PROCESS, Fault.EXIT_IN_PROCESS]


def soak(test_plugins, cycles: int, seed: int) -> int:
    """Returns how many crashes were recovered."""
    rng = random.Random(seed)
    recovered = 0
    with scuff.Client(autosave_interval=0.02) as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.5)
        victims = [group.create_sandbox().create_device(test_plugins / FAULTS_FILE, plugin_id=FAULTY_ID)
                   for _ in range(2)]
        bystander = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
        group.connect(victims[0], victims[1])
        signal_rng = np.random.default_rng(seed)
        for cycle in range(cycles):
            x = signal_rng.uniform(-1, 1, (2, BLOCK)).astype(np.float32)
            if rng.random() < CRASH_CHANCE:
                victim = rng.choice(victims)
                if rng.random() < 0.3:
                    os.kill(victim.sandbox.pid, signal.SIGKILL)
                else:
                    victim.schedule_param("Fault", int(rng.choice(FAULTS)))
            elif rng.random() < 0.05:
                rng.choice(victims).set_param("Gain", rng.uniform(-24, 0))
            out = group.process({bystander: x, victims[0]: x}, bystander)
            assert np.array_equal(out, x), f"the bystander's output changed at cycle {cycle}"
            for victim in victims:
                sandbox = victim.sandbox
                if sandbox.state == "running" and victim.sandbox.late:
                    continue
                if sandbox.state != "running":
                    wait_until(lambda s=sandbox: s.state == "crashed", what="the crash being seen")
                    victim.set_param("Fault", int(Fault.NONE))
                    gain = victim._values_since_save.get(0)
                    sandbox.restart()
                    if gain is not None:
                        assert victim.get_param("Gain") == gain[0]
                    recovered += 1
    return recovered


def test_random_crashes_and_restarts_for_thousands_of_cycles(test_plugins):
    gc.collect()
    before = snapshot()
    recovered = soak(test_plugins, CYCLES, seed=1234)
    assert recovered >= CYCLES * CRASH_CHANCE / 4
    gc.collect()
    after = snapshot()
    assert after.children == before.children and not after.zombies
    assert (after.descriptors, after.memfds) == (before.descriptors, before.memfds)
