"""Restarting: by hand or by policy, with connections, autosaved states and the values set
since, and the state callback telling the story."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

import scuff
from support.reported_values import reported
from support.signals import noise
from support.test_plugins import FAULTY_ID, GAIN_ID, PASSTHROUGH_ID, Fault
from support.waiting import wait_until

BLOCK = 64


@pytest.fixture
def events():
    return []


@pytest.fixture
def client(events):
    with scuff.Client(autosave_interval=0.05, on_sandbox_state=events.append) as client:
        yield client


@pytest.fixture
def group(client):
    return client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.5)


def crash(sandbox: scuff.Sandbox) -> None:
    os.kill(sandbox.pid, signal.SIGSEGV)
    wait_until(lambda: sandbox.state == "crashed", what="the crash being seen")


def test_the_callback_hears_every_state_with_its_reason(group, events, make):
    sandbox = group.create_sandbox()
    make(sandbox, PASSTHROUGH_ID)
    crash(sandbox)
    sandbox.restart()
    sandbox.close()
    wait_until(lambda: len([e for e in events if e.sandbox is sandbox]) >= 5, what="five state events")
    story = [(e.state, e.reason) for e in events if e.sandbox is sandbox]
    assert story == [
        ("running", scuff.Reason.RUNNING),
        ("crashed", scuff.Reason.CRASHED),
        ("starting", scuff.Reason.RUNNING),
        ("running", scuff.Reason.RUNNING),
        ("stopped", scuff.Reason.CLOSED),
    ]
    assert "SIGSEGV" in [e.detail for e in events if e.state == "crashed"][0]


def test_restart_keeps_connections_inside_and_across_sandboxes(group, make):
    home, away = group.create_sandbox(), group.create_sandbox()
    first, second = (make(home, PASSTHROUGH_ID) for _ in "ab")
    third = make(away, PASSTHROUGH_ID)
    group.connect(first, second)
    group.connect(second, third)
    x = noise(2, 10 * BLOCK)
    expected = np.zeros_like(x)
    expected[:, BLOCK:] = x[:, :-BLOCK]
    np.testing.assert_array_equal(group.render({first: x}, third), expected)
    crash(home)
    # While the home sandbox is down, its connection carries silence; the away sandbox
    # goes on with what the host writes to it.
    y = noise(2, 10 * BLOCK, seed=5)
    lone = group.process({first: x[:, :BLOCK], third: y[:, :BLOCK]}, third)
    np.testing.assert_array_equal(lone, y[:, :BLOCK])
    home.restart()
    np.testing.assert_array_equal(group.render({first: x}, third), expected)


def test_autosave_keeps_the_latest_state_readable(group, make):
    device = make(group.create_sandbox(), GAIN_ID)
    assert device.saved_state is None
    device.set_param("Gain", -12.0)
    wait_until(lambda: device.saved_state is not None, what="an autosave")
    first_save = device.saved_at
    # A saved state is a state like any other: another device can load it.
    other = make(group.create_sandbox(), GAIN_ID)
    other.load(device.saved_state)
    assert other.get_param("Gain") == reported(-12.0, other)
    device.set_param("Gain", -3.0)
    wait_until(lambda: device.saved_at != first_save, what="a second autosave")
    fresh = make(group.create_sandbox(), GAIN_ID)
    fresh.load(device.saved_state)
    assert fresh.get_param("Gain") == reported(-3.0, fresh)


def test_autosave_leaves_unchanged_devices_alone(group, make):
    device = make(group.create_sandbox(), GAIN_ID)
    device.set_param("Gain", -12.0)
    wait_until(lambda: device.saved_state is not None, what="an autosave")
    saved_at = device.saved_at
    time.sleep(10 * group.client.autosave_interval)  # ten autosave intervals, nothing changed

    assert device.saved_at == saved_at


def test_restart_restores_autosaved_state_and_values_set_after_it(group, make):
    sandbox = group.create_sandbox()
    device = make(sandbox, FAULTY_ID)
    device.set_param("Gain", -12.0)
    wait_until(lambda: device.saved_state is not None, what="an autosave")
    group.client.autosave_interval = None
    device.set_param("Gain", -7.5)  # after the last save: kept as a value
    x = noise(2, 8 * BLOCK)
    before = group.render({device: x}, device)
    crash(sandbox)
    sandbox.restart()
    assert device.get_param("Gain") == reported(-7.5, device)
    np.testing.assert_array_equal(group.render({device: x}, device), before)


def test_values_set_while_crashed_are_applied_by_the_restart(group, make):
    sandbox = group.create_sandbox()
    device = make(sandbox, GAIN_ID)
    crash(sandbox)
    device.set_param("Gain", -20.0)
    sandbox.restart()
    assert device.get_param("Gain") == reported(-20.0, device)


def test_a_restart_policy_brings_a_crashed_sandbox_back_by_itself(group, make):
    sandbox = group.create_sandbox(restart_policy=scuff.RestartPolicy(backoff=0.01))
    device = make(sandbox, GAIN_ID)
    device.set_param("Gain", -9.0)
    old_pid = sandbox.pid
    os.kill(old_pid, signal.SIGKILL)
    wait_until(lambda: sandbox.state == "running" and sandbox.pid != old_pid, what="an automatic restart")
    assert sandbox.restarts == 1
    assert device.get_param("Gain") == reported(-9.0, device)


def test_a_restart_policy_restarts_an_unresponsive_sandbox(client, make):
    group = client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.05)
    sandbox = group.create_sandbox(restart_policy=scuff.RestartPolicy(backoff=0.01))
    device = make(sandbox, FAULTY_ID)
    old_pid = sandbox.pid
    device.schedule_param("Fault", int(Fault.HANG_IN_PROCESS))
    x = noise(2, BLOCK)
    # Blocks keep coming, as from an audio callback, until the sandbox is replaced.
    while sandbox.pid == old_pid:
        group.process({device: x}, device)
    # The fault value is restored with the device, so it hangs again; the bystander
    # logic is covered elsewhere. What matters here: the hung process was killed.
    wait_until(lambda: not os.path.exists(f"/proc/{old_pid}"), what="the hung process being reaped")


def test_a_restart_policy_gives_up_on_a_sandbox_that_keeps_crashing(make):
    # Without autosave: the fault is not part of the plugin's state, so a save would disarm it.
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.5)
        policy = scuff.RestartPolicy(max_restarts=2, window=60.0, backoff=0.01)
        sandbox = group.create_sandbox(restart_policy=policy)
        device = make(sandbox, FAULTY_ID)
        # Kept across restarts (set since the last save, and none follows), so every restarted
        # process crashes again.
        device.schedule_param("Fault", int(Fault.CRASH_IN_PROCESS))
        x = noise(2, BLOCK)

        def gave_up() -> bool:
            group.process({device: x}, device)
            return sandbox.state == "crashed" and "gave up" in sandbox.reason

        wait_until(gave_up, what="the policy giving up")
        assert sandbox.restarts == 2
        assert sandbox.reason_code is scuff.Reason.CRASHED
