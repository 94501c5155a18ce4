"""One user call gets one deadline, and a sandbox known to be unresponsive answers at once:
control comes back within one deadline, then immediately."""

from __future__ import annotations

import time

import pytest

import scuff
from support.test_plugins import FAULTS_FILE, FAULTY_ID, HANG_IN_ACTIVATE_ID, PASSTHROUGH_ID, PLUGINS_FILE, Fault

DEADLINE = 1.0
# Scheduling and process start-up on a loaded machine, never a second deadline.
SLACK = 0.5
AT_ONCE = 0.1


@pytest.fixture
def group():
    with scuff.Client(load_timeout=DEADLINE, control_timeout=DEADLINE, autosave_interval=None) as client:
        yield client.create_group(block_size=64)


def timed(call) -> float:
    started = time.monotonic()
    with pytest.raises(scuff.SandboxTimeoutError):
        call()
    return time.monotonic() - started


def test_a_plugin_hanging_in_activate_costs_create_device_one_deadline(group, test_plugins):
    sandbox = group.create_sandbox()
    sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    assert timed(lambda: sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=HANG_IN_ACTIVATE_ID)) \
        < DEADLINE + SLACK
    assert sandbox.state == "unresponsive"
    assert timed(lambda: sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)) < AT_ONCE


def test_calls_on_an_unresponsive_sandbox_answer_at_once(group, test_plugins):
    device = group.create_sandbox().create_device(test_plugins / FAULTS_FILE, plugin_id=FAULTY_ID)
    device.set_param("Fault", int(Fault.HANG_IN_SAVE))
    assert DEADLINE <= timed(device.save) < DEADLINE + SLACK
    assert device.sandbox.state == "unresponsive"
    for call in (device.save, lambda: device.get_param("Gain"), lambda: device.set_param("Gain", -3.0),
                 lambda: device.load(b"")):
        assert timed(call) < AT_ONCE
    # A value set meanwhile raises at once, yet the restart applies it.
    device.sandbox.restart()
    assert device.get_param("Gain") == -3.0
