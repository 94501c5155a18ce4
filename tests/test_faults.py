"""Every misbehaving test plugin costs its own sandbox only: the host survives, the other
sandboxes' outputs stay bit-exact, failing calls return within their deadline with a clear
error, and a restart brings the device back as it was."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

import scuff
from support.reported_values import reported
from support.signals import noise
from support.test_plugins import (
    CRASH_IN_ACTIVATE_ID,
    CRASH_IN_INIT_ID,
    FAULTY_ID,
    HANG_IN_ACTIVATE_ID,
    HANG_IN_INIT_ID,
    PASSTHROUGH_ID,
    Fault,
)
from support.waiting import wait_until

BLOCK = 64
GAIN_DB = -6.0
DEADLINE = 1.0


@pytest.fixture
def client():
    events: list[scuff.SandboxEvent] = []
    with scuff.Client(control_timeout=DEADLINE, load_timeout=DEADLINE, autosave_interval=None,
                      on_sandbox_state=events.append) as client:
        client.events = events
        yield client


@pytest.fixture
def group(client):
    return client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.2)


@pytest.fixture
def rig(group, make):
    """A faulty device in one sandbox and a passthrough, the bystander, in another."""
    faulty = make(group.create_sandbox(), FAULTY_ID)
    faulty.set_param("Gain", GAIN_DB)
    bystander = make(group.create_sandbox(), PASSTHROUGH_ID)
    return faulty, bystander


def process_blocks(group, faulty, bystander, x):
    """Block by block, as an audio callback would: (faulty output, bystander output)."""
    out_faulty, out_bystander = np.zeros_like(x), np.zeros_like(x)
    for start in range(0, x.shape[1], BLOCK):
        span = slice(start, start + BLOCK)
        out_faulty[:, span], out_bystander[:, span] = group.process(
            {faulty: x[:, span], bystander: x[:, span]}, [faulty, bystander])
    return out_faulty, out_bystander


def trip_audio_fault(group, faulty, bystander, fault, blocks):
    """Arms a fault that trips in the next block and processes `blocks` blocks: the bystander
    must come through bit-exact and the faulty device silent. Returns its old pid."""
    old_pid = faulty.sandbox.pid
    faulty.schedule_param("Fault", int(fault))
    x = noise(2, blocks * BLOCK)
    out_faulty, out_bystander = process_blocks(group, faulty, bystander, x)
    np.testing.assert_array_equal(out_bystander, x)
    assert not out_faulty.any()  # the block that tripped the fault and all after it are silent
    return old_pid


def states_heard(client, sandbox) -> list[str]:
    return [event.state for event in list(client.events) if event.sandbox is sandbox]


def recover(faulty):
    """Disarms the fault while the sandbox is down (kept for the restart), then restarts."""
    sandbox = faulty.sandbox
    if sandbox.state == "crashed":
        faulty.set_param("Fault", int(Fault.NONE))
    sandbox.restart()
    if faulty.get_param("Fault") != Fault.NONE:
        faulty.set_param("Fault", int(Fault.NONE))


def assert_restored(group, faulty, before):
    assert faulty.sandbox.state == "running"
    assert faulty.get_param("Gain") == reported(GAIN_DB, faulty)
    x = noise(2, 8 * BLOCK, seed=1)
    np.testing.assert_array_equal(group.render({faulty: x}, faulty), before)


CRASHES = [
    (Fault.CRASH_IN_PROCESS, scuff.Reason.CRASHED, "SIGSEGV"),
    (Fault.ABORT_IN_PROCESS, scuff.Reason.CRASHED, "SIGABRT"),
    (Fault.EXIT_IN_PROCESS, scuff.Reason.EXITED, "exited with code 3"),
]


@pytest.mark.parametrize(("fault", "reason", "words"), CRASHES, ids=[f.name.lower() for f, _, _ in CRASHES])
def test_a_crash_in_process_silences_one_sandbox_and_restart_restores_it(client, group, rig, fault, reason,
                                                                         words):
    faulty, bystander = rig
    before = group.render({faulty: noise(2, 8 * BLOCK, seed=1)}, faulty)
    old_pid = trip_audio_fault(group, faulty, bystander, fault, blocks=20)
    wait_until(lambda: faulty.sandbox.state == "crashed", what="the crash being seen")
    assert faulty.sandbox.reason_code is reason and words in faulty.sandbox.reason
    # Listeners hear of it on the client's notifier thread, soon after the state is taken.
    wait_until(lambda: states_heard(client, faulty.sandbox)[-1] == "crashed", what="the crash being heard")
    with pytest.raises(scuff.SandboxCrashedError, match="crashed"):
        faulty.get_param("Gain")
    recover(faulty)
    assert faulty.sandbox.pid != old_pid
    wait_until(lambda: states_heard(client, faulty.sandbox)[-2:] == ["starting", "running"],
               what="the restart being heard")
    heard = states_heard(client, faulty.sandbox)
    # Each state once, in the order taken: nothing undoes the crash before the restart.
    assert heard[heard.index("crashed"):] == ["crashed", "starting", "running"], heard
    assert_restored(group, faulty, before)
    x = noise(2, 20 * BLOCK)
    np.testing.assert_array_equal(process_blocks(group, faulty, bystander, x)[1], x)


@pytest.mark.parametrize("fault", [Fault.HANG_IN_PROCESS, Fault.SPIN_IN_PROCESS], ids=["hang", "spin"])
def test_a_hung_audio_thread_makes_its_sandbox_unresponsive_and_restart_kills_it(group, rig, fault):
    faulty, bystander = rig
    before = group.render({faulty: noise(2, 8 * BLOCK, seed=1)}, faulty)
    old_pid = trip_audio_fault(group, faulty, bystander, fault, blocks=10)
    assert faulty.sandbox.late
    wait_until(lambda: faulty.sandbox.state == "unresponsive", what="the sandbox being found unresponsive")
    assert faulty.sandbox.reason_code is scuff.Reason.UNRESPONSIVE
    # Its main thread still answers: the fault is disarmed there before the restart.
    recover(faulty)
    assert faulty.sandbox.pid != old_pid
    with pytest.raises(ProcessLookupError):
        os.kill(old_pid, 0)
    assert_restored(group, faulty, before)


def test_nan_output_is_silenced_and_the_sandbox_keeps_running(group, rig, caplog):
    faulty, bystander = rig
    faulty.set_param("Fault", int(Fault.NAN_IN_PROCESS))
    x = noise(2, 10 * BLOCK)
    with caplog.at_level("WARNING", logger="scuff.sandbox"):
        out_faulty, out_bystander = process_blocks(group, faulty, bystander, x)
        wait_until(lambda: any("NaN" in r.getMessage() for r in caplog.records), what="a NaN warning")
    np.testing.assert_array_equal(out_bystander, x)
    assert not out_faulty.any() and np.isfinite(out_faulty).all()
    assert faulty.sandbox.state == "running"
    faulty.set_param("Fault", int(Fault.NONE))
    expected = x * np.float32(10 ** (GAIN_DB / 20))
    np.testing.assert_allclose(group.render({faulty: x}, faulty), expected, rtol=1e-6)


def test_the_fault_parameter_counts_as_fault_does(group, make):
    faulty = make(group.create_sandbox(), FAULTY_ID)
    assert faulty.param("Fault").max == max(Fault)
    for fault in Fault:
        assert faulty.param_text("Fault", fault).lower() == fault.name.replace("_", " ").lower()


def test_a_late_process_call_is_waited_for_offline_and_its_block_played(group, rig):
    # Offline a cycle waits up to the group's cycle_timeout (0.2 s), ten times the late call's sleep.
    faulty, bystander = rig
    x = noise(2, 10 * BLOCK, seed=2)
    expected = group.render({faulty: x}, faulty)
    faulty.schedule_param("Fault", int(Fault.LATE_ONCE_IN_PROCESS))
    out_faulty, out_bystander = process_blocks(group, faulty, bystander, x)
    np.testing.assert_array_equal(out_bystander, x)
    np.testing.assert_array_equal(out_faulty, expected)
    assert faulty.sandbox.missed_cycles == 0 and faulty.sandbox.state == "running"


def make_call(faulty, call: str, state: bytes) -> None:
    """The control call a save, load or flush fault trips on."""
    if call == "save":
        faulty.save()
    elif call == "load":
        faulty.load(state)
    else:
        faulty.set_param("Gain", GAIN_DB)


@pytest.mark.parametrize(("fault", "call"), [
    (Fault.CRASH_IN_SAVE, "save"), (Fault.CRASH_IN_LOAD, "load"), (Fault.CRASH_IN_FLUSH, "flush")])
def test_a_crash_in_a_control_call_raises_and_restart_restores(client, group, rig, fault, call):
    faulty, bystander = rig
    state = faulty.save()
    before = group.render({faulty: noise(2, 8 * BLOCK, seed=1)}, faulty)
    faulty.set_param("Fault", int(fault))
    with pytest.raises(scuff.SandboxCrashedError, match="SIGSEGV"):
        make_call(faulty, call, state)
    assert faulty.sandbox.state == "crashed"
    x = noise(2, 4 * BLOCK)
    np.testing.assert_array_equal(process_blocks(group, faulty, bystander, x)[1], x)
    recover(faulty)
    assert_restored(group, faulty, before)


@pytest.mark.parametrize(("fault", "call"), [
    (Fault.HANG_IN_SAVE, "save"), (Fault.HANG_IN_LOAD, "load"), (Fault.HANG_IN_FLUSH, "flush")])
def test_a_hang_in_a_control_call_returns_within_its_deadline(group, rig, fault, call):
    faulty, bystander = rig
    state = faulty.save()
    before = group.render({faulty: noise(2, 8 * BLOCK, seed=1)}, faulty)
    faulty.set_param("Fault", int(fault))
    with pytest.raises(scuff.SandboxTimeoutError, match=f"within {DEADLINE:g} s"):
        make_call(faulty, call, state)
    assert faulty.sandbox.state == "unresponsive"
    assert faulty.sandbox.reason_code is scuff.Reason.UNRESPONSIVE
    x = noise(2, 4 * BLOCK)
    np.testing.assert_array_equal(process_blocks(group, faulty, bystander, x)[1], x)
    # The hung process cannot take the disarming value; killed from outside, the sandbox
    # is crashed and keeps the value for its restart.
    os.kill(faulty.sandbox.pid, signal.SIGKILL)
    wait_until(lambda: faulty.sandbox.state == "crashed", what="the kill being seen")
    assert "SIGKILL" in faulty.sandbox.reason
    recover(faulty)
    faulty.save()
    assert_restored(group, faulty, before)


@pytest.mark.parametrize("plugin_id", [CRASH_IN_INIT_ID, CRASH_IN_ACTIVATE_ID])
def test_a_plugin_crashing_while_created_raises_and_its_sandbox_is_crashed(group, make, plugin_id):
    sandbox = group.create_sandbox()
    with pytest.raises(scuff.SandboxCrashedError, match="SIGSEGV"):
        make(sandbox, plugin_id)
    assert sandbox.state == "crashed" and sandbox.devices == []
    sandbox.restart()
    device = make(sandbox, PASSTHROUGH_ID)
    x = noise(2, 4 * BLOCK)
    np.testing.assert_array_equal(group.render({device: x}, device), x)


@pytest.mark.parametrize("plugin_id", [HANG_IN_INIT_ID, HANG_IN_ACTIVATE_ID])
def test_a_plugin_hanging_while_created_times_out(group, make, plugin_id):
    sandbox = group.create_sandbox()
    with pytest.raises(scuff.SandboxTimeoutError):
        make(sandbox, plugin_id)
    assert sandbox.state == "unresponsive"
    sandbox.restart()
    assert sandbox.state == "running"
