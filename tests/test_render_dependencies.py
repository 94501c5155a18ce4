"""A render is refused only for what its outputs need: a sandbox that misses blocks costs
the render only when a requested output depends on it through the graph."""

from __future__ import annotations

import mmap
import os
import signal
import struct
import threading
import time

import numpy as np
import pytest

import scuff
from scuff.host.chunking import MAX_CHUNK_BLOCKS
from scuff.host.graph import upstream_devices
from support.lies import COMPLETED_CYCLE
from support.signals import noise
from support.test_plugins import FAULTY_ID, PASSTHROUGH_ID, Fault
from support.waiting import wait_until

BLOCK = 256
# A hang is seen within one deadline of the block it stopped in, where waiting for a whole
# chunk would take many more. The tests bound the time by this many deadlines: a margin for
# a loaded machine (one deadline took 2.2 of them once, with the suite in two processes),
# far below a chunk's.
SEEN_WITHIN_DEADLINES = 10


@pytest.fixture
def group(client):
    return client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.2)


def arm_crash(device: scuff.Device) -> None:
    """The faulty plugin crashes in the first block it processes from now on."""
    device.schedule_param("Fault", int(Fault.CRASH_IN_PROCESS))


def test_a_crash_the_outputs_do_not_depend_on_leaves_the_render_whole(group, make):
    faulty = make(group.create_sandbox(), FAULTY_ID)
    other = make(group.create_sandbox(), PASSTHROUGH_ID)
    arm_crash(faulty)
    x = noise(2, 20 * BLOCK)
    # The faulty device is processed in every cycle of this render, and crashes in it.
    y = group.render({other: x, faulty: x}, other)
    wait_until(lambda: faulty.sandbox.state == "crashed", what="the crash being seen")
    np.testing.assert_array_equal(y, x)
    # Later renders of it go on while the crashed sandbox stays down.
    np.testing.assert_array_equal(group.render({other: x}, other), x)


def test_a_crash_upstream_of_an_output_refuses_the_render_and_names_that_sandbox(group, make):
    faulty = make(group.create_sandbox(), FAULTY_ID)
    downstream = make(group.create_sandbox(), PASSTHROUGH_ID)
    group.connect(faulty.output(0), downstream.input(0))
    arm_crash(faulty)
    pid = faulty.sandbox.pid
    with pytest.raises(scuff.SandboxError, match=f"sandbox\\(es\\) {pid} .*did not process every block"):
        group.render({faulty: noise(2, 20 * BLOCK)}, downstream)
    wait_until(lambda: faulty.sandbox.state == "crashed", what="the crash being seen")
    # A crashed sandbox upstream refuses the next render too: its silence would pass as audio.
    with pytest.raises(scuff.SandboxError, match=f"sandbox\\(es\\) {pid} \\(crashed"):
        group.render({faulty: noise(2, 4 * BLOCK)}, downstream)


def test_a_hang_upstream_of_an_output_refuses_the_render_within_one_deadline(group, make):
    faulty = make(group.create_sandbox(), FAULTY_ID)
    downstream = make(group.create_sandbox(), PASSTHROUGH_ID)
    group.connect(faulty.output(0), downstream.input(0))
    faulty.schedule_param("Fault", int(Fault.HANG_IN_PROCESS))
    pid = faulty.sandbox.pid
    blocks = 20 * SEEN_WITHIN_DEADLINES
    started = time.monotonic()
    with pytest.raises(scuff.SandboxError, match=f"sandbox\\(es\\) {pid} .*did not process every block"):
        group.render({faulty: noise(2, blocks * BLOCK)}, downstream)
    # One deadline, not the whole chunk's (one per block: `blocks` of them).
    assert time.monotonic() - started < group.cycle_timeout * SEEN_WITHIN_DEADLINES
    assert faulty.sandbox.late


# Slow enough to be caught in the middle of a render: a convolution reverb.
ZAMVERB = {"clap": "/usr/lib/clap/ZamVerb.clap", "vst3": "/usr/lib/vst3/ZamVerb.vst3"}
MID_RENDER_TIMEOUT = 1.0


def completed_cycles(sandbox: scuff.Sandbox) -> int:
    """The last cycle the sandbox finished, as its control block says."""
    with mmap.mmap(sandbox._signals.fd, 0, access=mmap.ACCESS_READ) as control:
        return int(struct.unpack_from("<Q", control, COMPLETED_CYCLE)[0])


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "stopped"])
def test_a_sandbox_killed_or_stopped_mid_render_refuses_it_within_one_deadline(client, make, plugin_format,
                                                                                 render_mode, how):
    """From outside, in the middle of a long render: a crash or a hang is found within one
    cycle timeout of the block it stopped in (chunked: not after the whole chunk's, with
    chunks as long as the group chooses them), and the error names the sandbox."""
    group = client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=MID_RENDER_TIMEOUT)
    group.max_chunk_blocks = MAX_CHUNK_BLOCKS
    upstream = group.create_sandbox()
    reverb = upstream.create_device(ZAMVERB[plugin_format])
    downstream = make(group.create_sandbox(), PASSTHROUGH_ID)
    group.connect(reverb.output(0), downstream.input(0))
    pid = upstream.pid
    outcome: dict[str, object] = {}

    def render() -> None:
        try:
            group.render({reverb: noise(2, 120 * 48000)}, downstream)
        except scuff.SandboxError as error:
            outcome["error"] = error
        outcome["ended"] = time.monotonic()

    before = completed_cycles(upstream)
    thread = threading.Thread(target=render)
    thread.start()
    try:
        wait_until(lambda: completed_cycles(upstream) >= before + 4 or "ended" in outcome,
                   what="the render getting under way")
        assert "ended" not in outcome, "the render ended before it could be interrupted"
        os.kill(pid, how)
        interrupted = time.monotonic()
        thread.join(timeout=60)
        assert not thread.is_alive(), "the render did not end"
    finally:
        if how == signal.SIGSTOP:
            os.kill(pid, signal.SIGKILL)
        thread.join(timeout=60)
    assert isinstance(outcome.get("error"), scuff.SandboxError), outcome
    assert f"sandbox(es) {pid} " in str(outcome["error"])
    # One deadline, not the whole chunk's (up to MAX_CHUNK_BLOCKS of them).
    assert float(outcome["ended"]) - interrupted < MID_RENDER_TIMEOUT * SEEN_WITHIN_DEADLINES
    assert upstream.late


def test_a_crash_of_the_outputs_own_device_refuses_the_render(group, make):
    faulty = make(group.create_sandbox(), FAULTY_ID)
    arm_crash(faulty)
    with pytest.raises(scuff.SandboxError, match=str(faulty.sandbox.pid)):
        group.render({faulty: noise(2, 20 * BLOCK)}, faulty)


class Port:
    def __init__(self, device: str) -> None:
        self.device = device


class Link:
    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = Port(source), Port(target)


@pytest.mark.pure
def test_upstream_devices_follow_connections_backwards_through_loops():
    links = [Link("a", "b"), Link("b", "c"), Link("c", "b"), Link("d", "e"), Link("x", "a")]
    assert upstream_devices(["c"], links) == {"a", "b", "c", "x"}
    assert upstream_devices(["e"], links) == {"d", "e"}
    assert upstream_devices(["x"], links) == {"x"}
