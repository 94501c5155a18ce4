"""A plugin that crashes or hangs in its editor code (create, show, its timer, a resize)
costs its own sandbox only: the host goes on, other sandboxes stay bit-exact, and after a
restart the device plays again, its editor open again if it was. And the editor paths the
zam plugins do not take: sizes asked by the plugin (CLAP and VST3), editors that only float."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import (
    EDITOR_ASKED_SIZE,
    EDITOR_FAULTS_ID,
    FAULTS_FILE,
    FLOATING_EDITOR_ID,
    PASSTHROUGH_ID,
    PLUGINS_FILE,
    VST3_PLUGINS_BUNDLE,
    VST3_SIZED_EDITOR_ID,
    EditorFault,
)
from support.waiting import wait_until
from support.x11 import XClient, xvfb_display

BLOCK = 64
DEADLINE = 1.0


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    with xvfb_display() as name, pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLAY", name)
        yield name


@pytest.fixture
def group(x_display: str) -> Iterator[scuff.Group]:
    with contextlib.closing(XClient(x_display)) as x, scuff.Client(app_name="Test DAW", parent_window=x.host_window(),
                                               control_timeout=DEADLINE, load_timeout=DEADLINE,
                                               autosave_interval=None) as client:
        yield client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.2)


def bystander_stays_exact(group: scuff.Group, bystander: scuff.Device, faulty: scuff.Device) -> None:
    x = noise(2, 8 * BLOCK)
    for start in range(0, x.shape[1], BLOCK):
        block = x[:, start:start + BLOCK]
        np.testing.assert_array_equal(group.process({bystander: block, faulty: block}, [bystander, faulty])[0],
                                      block)


def disarm(faulty: scuff.Device) -> None:
    """Sets the fault back to none while the sandbox is down: a crashed sandbox keeps the value
    for its restart; an unresponsive one raises at once, and keeps it too."""
    if faulty.sandbox.state == "crashed":
        faulty.set_param("Editor fault", int(EditorFault.NONE))
    else:
        assert faulty.sandbox.state == "unresponsive"
        with pytest.raises(scuff.SandboxTimeoutError):
            faulty.set_param("Editor fault", int(EditorFault.NONE))


def plays_again(group: scuff.Group, faulty: scuff.Device) -> None:
    x = noise(2, 8 * BLOCK, seed=2)
    np.testing.assert_array_equal(group.render({faulty: x}, faulty), x)


OPENING = [
    (EditorFault.CRASH_IN_CREATE, scuff.SandboxCrashedError), (EditorFault.HANG_IN_CREATE, scuff.SandboxTimeoutError),
    (EditorFault.CRASH_IN_SHOW, scuff.SandboxCrashedError), (EditorFault.HANG_IN_SHOW, scuff.SandboxTimeoutError),
]


@pytest.mark.parametrize(("fault", "error"), OPENING, ids=[f.name.lower() for f, _ in OPENING])
def test_an_editor_failing_as_it_opens_costs_its_sandbox_only(group, test_plugins, fault, error):
    faulty = group.create_sandbox().create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID)
    bystander = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    faulty.set_param("Editor fault", int(fault))
    with pytest.raises(error):
        faulty.show_editor()
    assert faulty.sandbox.state in ("crashed", "unresponsive")
    bystander_stays_exact(group, bystander, faulty)
    # Disarmed while down (kept for the restart); the editor never opened, so it stays closed.
    disarm(faulty)
    faulty.sandbox.restart()
    assert faulty.get_param("Editor fault") == EditorFault.NONE and not faulty.editor_visible
    plays_again(group, faulty)
    faulty.show_editor()
    assert faulty.editor_visible and faulty.editor_size == (320, 200)


@pytest.mark.parametrize("fault", [EditorFault.CRASH_IN_TIMER, EditorFault.HANG_IN_TIMER], ids=["crash", "hang"])
def test_an_editor_timer_that_fails_costs_its_sandbox_and_the_editor_reopens_after_restart(group, test_plugins,
                                                                                          fault):
    faulty = group.create_sandbox().create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID)
    bystander = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    faulty.show_editor()
    assert faulty.editor_visible
    faulty.set_param("Editor fault", int(fault))  # the next 10 ms tick trips it
    if fault == EditorFault.CRASH_IN_TIMER:
        wait_until(lambda: faulty.sandbox.state == "crashed", what="the crash in the editor's timer")
    else:
        # The main thread hangs in the timer; the next control call finds out within its deadline.
        wait_until(lambda: _times_out(faulty), what="the sandbox's main thread hanging")
        assert faulty.sandbox.state == "unresponsive"
    disarm(faulty)
    bystander_stays_exact(group, bystander, faulty)
    faulty.sandbox.restart()
    assert faulty.sandbox.state == "running" and faulty.editor_visible
    plays_again(group, faulty)


def _times_out(device: scuff.Device) -> bool:
    try:
        device.get_param("Editor fault")
    except scuff.SandboxTimeoutError:
        return True
    return False


@pytest.mark.parametrize(("fault", "error"), [(EditorFault.CRASH_IN_RESIZE, scuff.SandboxCrashedError),
                                              (EditorFault.HANG_IN_RESIZE, scuff.SandboxTimeoutError)],
                         ids=["crash", "hang"])
def test_an_editor_failing_in_a_resize_costs_its_sandbox_only(group, test_plugins, fault, error):
    faulty = group.create_sandbox().create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID)
    bystander = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    faulty.show_editor()
    faulty.resize_editor(400, 300)
    assert faulty.editor_size == (400, 300)
    faulty.set_param("Editor fault", int(fault))
    with pytest.raises(error):
        faulty.resize_editor(500, 320)
    bystander_stays_exact(group, bystander, faulty)
    disarm(faulty)
    faulty.sandbox.restart()
    assert faulty.editor_visible
    plays_again(group, faulty)


@pytest.mark.parametrize("plugin_format", ["clap", "vst3"])
def test_the_editor_takes_the_size_the_plugin_asks_for_and_the_one_the_user_gives(group, test_plugins, x_display,
                                                                                 plugin_format):
    file, plugin_id = ((FAULTS_FILE, EDITOR_FAULTS_ID) if plugin_format == "clap"
                       else (VST3_PLUGINS_BUNDLE, VST3_SIZED_EDITOR_ID))
    # On the session's server, where the test sees the editor's own window.
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(x11="trusted"))
    device = sandbox.create_device(test_plugins / file, plugin_id=plugin_id)
    device.show_editor()
    with contextlib.closing(XClient(x_display)) as x:
        window = device.editor_window
        assert window is not None and device.editor_size == (320, 200)
        # Asked at the editor's next timer tick (CLAP request_resize), or as soon as the
        # controller hears the value (VST3 IPlugFrame::resizeView).
        device.set_param("Ask size", 1)
        wait_until(lambda: device.editor_size == EDITOR_ASKED_SIZE, what="the size the plugin asked for")
        wait_until(lambda: x.size(window) == EDITOR_ASKED_SIZE, what="the window resized by the sandbox")
        device.resize_editor(500, 300)
        assert device.editor_size == (500, 300)
        wait_until(lambda: x.size(window) == (500, 300), what="the window resized for the user")


def test_a_plugin_whose_editor_only_floats_shows_it_in_a_window_of_its_own(group, test_plugins, x_display):
    # On the session's server: embedding is refused for the plugin's reason, not the nested
    # server's, and its window is the plugin's own there.
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(x11="trusted"))
    device = sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=FLOATING_EDITOR_ID)
    assert device.has_editor
    with contextlib.closing(XClient(x_display)) as x, pytest.raises(scuff.EditorError, match="embed"):
        device.show_editor(parent=x.host_window(), embed=True)
    device.show_editor()
    # The plugin makes (and owns) its window: the host has no window id to give.
    assert device.editor_visible and device.editor_window is None and device.editor_size == (320, 200)
    device.hide_editor()
    assert not device.editor_visible
    plays_again(group, device)
