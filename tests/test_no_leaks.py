"""Nothing outlives its use: crashed and restarted sandboxes leave no zombie, descriptor or
memory segment behind, and sandboxes die at once with their client, even a SIGKILLed one."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np

import scuff
from support.resources import child_pids, process_state, snapshot
from support.signals import noise
from support.test_plugins import FAULTS_FILE, FAULTY_ID, PASSTHROUGH_ID, PLUGINS_FILE, Fault
from support.waiting import wait_until

BLOCK = 64


def crash_and_restart(test_plugins, rounds: int) -> None:
    """A client whose sandbox crashes `rounds` times, by signal and by a plugin fault, and is
    restarted each time; checks that the counts while it runs stay the same."""
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.5)
        sandbox = group.create_sandbox()
        faulty = sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=FAULTY_ID)
        other = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
        group.connect(faulty, other)
        during = snapshot()
        x = noise(2, BLOCK)
        for round_ in range(rounds):
            if round_ % 2:
                faulty.schedule_param("Fault", int(Fault.CRASH_IN_PROCESS))
                group.process({faulty: x}, faulty)
            else:
                os.kill(sandbox.pid, signal.SIGKILL)
            wait_until(lambda: sandbox.state == "crashed", what="the crash being seen")
            faulty.set_param("Fault", int(Fault.NONE))
            sandbox.restart()
        # As many processes, descriptors and segments as before the crashes.
        wait_until(lambda: snapshot().counts() == during.counts(),
                   what=f"the counts returning to {during.counts()} (now {snapshot().counts()})", timeout=5.0)


def test_crashes_and_restarts_leak_nothing(test_plugins):
    with scuff.Client(autosave_interval=None) as warm_up:
        warm_up.create_group().create_sandbox().close()
    del warm_up
    gc.collect()
    before = snapshot()
    crash_and_restart(test_plugins, rounds=20)
    gc.collect()
    after = snapshot()
    assert after.children == before.children and not after.zombies
    assert (after.descriptors, after.memfds) == (before.descriptors, before.memfds)


def test_closed_groups_and_sandboxes_leave_their_client(test_plugins):
    with scuff.Client(autosave_interval=None) as client:
        for _ in range(3):
            group = client.create_group(sample_rate=48000, block_size=BLOCK)
            group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
            closed = group.create_sandbox()
            closed.close()
            assert closed not in group.sandboxes
            group.close()
        assert client.groups == []


def test_closing_the_client_ends_every_sandbox(test_plugins):
    with scuff.Client() as client:
        group = client.create_group()
        pids = [group.create_sandbox().pid for _ in range(3)]
    assert all(process_state(pid) == "gone" for pid in pids)
    assert not set(pids) & set(child_pids())


CLIENT_SCRIPT = textwrap.dedent("""
    import sys, time, scuff
    client = scuff.Client()
    group = client.create_group()
    sandboxes = [group.create_sandbox() for _ in range(3)]
    sandboxes[0].create_device(sys.argv[1], plugin_id=sys.argv[2])
    print(" ".join(str(s.pid) for s in sandboxes), flush=True)
    time.sleep(60)
""")


def assert_sandboxes_die_with_sigkilled_client(script: str, test_plugins) -> None:
    """Runs `script` as a client that prints its sandboxes' pids, SIGKILLs it, and waits for
    every one of those sandboxes to be gone."""
    client = subprocess.Popen([sys.executable, "-c", script, str(test_plugins / PLUGINS_FILE), PASSTHROUGH_ID],
                              stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in client.stdout.readline().split()]
        assert len(pids) == 3 and all(process_state(p) not in ("gone", "Z") for p in pids)
        client.send_signal(signal.SIGKILL)
        client.wait()
        wait_until(lambda: all(process_state(p) == "gone" for p in pids), what="the sandboxes exiting")
    finally:
        client.kill()
        client.wait()
        client.stdout.close()


def test_sandboxes_die_with_a_sigkilled_client(test_plugins):
    assert_sandboxes_die_with_sigkilled_client(CLIENT_SCRIPT, test_plugins)


def test_restarted_sandboxes_also_die_with_a_sigkilled_client(test_plugins):
    script = CLIENT_SCRIPT.replace(
        'print(', 'import os, signal\nos.kill(sandboxes[1].pid, signal.SIGKILL)\n'
        'while sandboxes[1].state != "crashed": time.sleep(0.001)\nsandboxes[1].restart()\nprint(', 1)
    assert_sandboxes_die_with_sigkilled_client(script, test_plugins)


def test_outputs_of_a_group_are_exact_before_and_after_the_leak_rounds(test_plugins):
    """The group used above still renders exactly after many restarts (a sanity check that
    restarting reuses the same shared memory correctly)."""
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK)
        sandbox = group.create_sandbox()
        device = sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
        x = noise(2, 10 * BLOCK)
        for _ in range(5):
            os.kill(sandbox.pid, signal.SIGKILL)
            wait_until(lambda: sandbox.state == "crashed", what="the crash being seen")
            sandbox.restart()
            np.testing.assert_array_equal(group.render({device: x}, device), x)
