"""Sandbox processes start, answer, and never outlive their client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import PASSTHROUGH_ID, PLUGINS_FILE


def wait_until_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A zombie still answers kill(0): look at its state too.
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ")[1].startswith("Z"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.01)
    return False


def test_a_new_sandbox_is_a_running_process(group):
    sandbox = group.create_sandbox()
    assert sandbox.state == "running"
    with open(f"/proc/{sandbox.pid}/cmdline", "rb") as cmdline:
        assert b"scuff-sbox" in cmdline.read()


def test_closing_the_client_stops_every_sandbox(test_plugins):
    with scuff.Client() as client:
        group = client.create_group()
        sandboxes = [group.create_sandbox() for _ in range(3)]
        sandboxes[0].create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
        pids = [s.pid for s in sandboxes]
    assert all(wait_until_gone(pid) for pid in pids)
    assert all(s.state == "stopped" for s in sandboxes)


def test_sandboxes_die_when_the_client_process_is_killed(test_plugins):
    script = textwrap.dedent(f"""
        import sys, time, scuff
        client = scuff.Client()
        sandbox = client.create_group().create_sandbox()
        sandbox.create_device({str(test_plugins / PLUGINS_FILE)!r}, plugin_id={PASSTHROUGH_ID!r})
        print(sandbox.pid, flush=True)
        time.sleep(60)
    """)
    host = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        sandbox_pid = int(host.stdout.readline())
        host.send_signal(signal.SIGKILL)
        host.wait()
        assert wait_until_gone(sandbox_pid)
    finally:
        host.kill()


def test_a_killed_sandbox_is_reported_crashed_and_the_others_go_on(group, test_plugins):
    doomed = group.create_sandbox()
    doomed_device = doomed.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    survivor = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    os.kill(doomed.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while doomed.state != "crashed" and time.monotonic() < deadline:
        time.sleep(0.005)
    assert doomed.state == "crashed"
    assert doomed.reason == "scuff-sbox was killed by SIGKILL"
    with pytest.raises(scuff.SandboxCrashedError, match="killed by SIGKILL"):
        doomed_device.save()
    block = noise(2, 512)
    lost, kept = group.process({doomed_device: block, survivor: block}, [doomed_device, survivor])
    assert not lost.any()
    np.testing.assert_array_equal(kept, block)
