"""X11 for editors without any connection to the session's server: under
SandboxLimits(x11="nested"), which the default x11="auto" is where Xephyr is installed, a
sandbox's editors reach only an X server of their own (Xephyr), itself an untrusted client of
the session's. The zam editors, which draw with OpenGL, open,
draw and take drags there; a plugin can neither read the session's other windows nor grab
its keyboard. The server here admits only clients with a cookie, as a desktop session's does."""

from __future__ import annotations

import pathlib
import time
from collections.abc import Iterator

import numpy as np
import pytest
from Xlib import X

import scuff
from support.fake_home import make_fake_home
from support.hostile import first_block_outcome
from support.repo import REPO_ROOT
from support.test_plugins import (
    EDITOR_FAULTS_ID,
    FAULTS_FILE,
    HOSTILE_FILE,
    HOSTILE_PIXEL_VARIABLE,
    HOSTILE_TARGET_VARIABLE,
    HOSTILE_X11_GRAB_ID,
    HOSTILE_X11_SNOOP_ID,
    X11_SNOOP_OTHER_WINDOW,
    X11_SNOOP_READ,
    X11_SNOOP_REFUSED,
)
from support.waiting import wait_until
from support.x11 import XClient, authorised_xvfb, drag_until_a_param_moves, is_a_drawing, save_png
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES

BLOCK = 256
NESTED = scuff.SandboxLimits(x11="nested")
DEFAULT = scuff.SandboxLimits()
ARTIFACTS = REPO_ROOT / "build" / "artifacts" / "editors-nested"
SECRET_COLOUR = 0x5A3C1E
ZAM_FILES = [*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES]


@pytest.fixture(scope="module")
def session_display(tmp_path_factory) -> Iterator[str]:
    with authorised_xvfb(tmp_path_factory.mktemp("x11")) as (name, authority), pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLAY", name)
        patch.setenv("XAUTHORITY", str(authority))
        yield name


@pytest.fixture
def x(session_display) -> Iterator[XClient]:
    connection = XClient(session_display)
    yield connection
    connection.close()


@pytest.fixture
def group(tmp_path, monkeypatch, x) -> Iterator[scuff.Group]:
    make_fake_home(tmp_path, monkeypatch)
    with scuff.Client(control_timeout=5.0, load_timeout=10.0, autosave_interval=None, app_name="Test DAW",
                      parent_window=x.host_window()) as client:
        yield client.create_group(sample_rate=48000, block_size=BLOCK)


def nested_window(x: XClient, device: scuff.Device) -> int:
    """The nested server's window on the session's screen, titled for the editor's device."""
    title = f"{device.name} - Test DAW"
    found: list[int] = []
    wait_until(lambda: found.append(x.find_named(title)) or found[-1] != 0, timeout=5,
               what=f"a window named {title!r}")
    return found[-1]


def xephyr_processes() -> set[int]:
    found = set()
    for entry in pathlib.Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "Xephyr":
                found.add(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("plugin", ["/usr/lib/clap/ZamComp.clap", "/usr/lib/vst3/ZamComp.vst3"])
def test_an_opengl_editor_draws_in_its_nested_server_and_takes_drags(group, x, session_display, plugin):
    reference = drawing(x, group.create_sandbox(limits=scuff.SandboxLimits(x11="trusted")).create_device(plugin))
    sandbox = group.create_sandbox(limits=DEFAULT)
    assert "x11='auto', no connection yet" in sandbox.confinement.enforced["X11"]
    device = sandbox.create_device(plugin)
    device.show_editor()
    item = sandbox.confinement.enforced["X11"]
    assert "x11='nested'" in item and "an untrusted client of the session's" in item
    assert "OpenGL (GLX) among its extensions" in item
    window = nested_window(x, device)
    x.wait_viewable(window)
    # The window holds the editor, and the window manager keeps it with the host's windows.
    wait_until(lambda: x.size(window) == device.editor_size, timeout=5, what="the window sized to the editor")
    assert x.transient_for(window) == group.client.parent_window
    wait_until(lambda: alike(x.pixels(window), reference), timeout=10,
               what="the editor drawn, as the session's screen shows it")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    save_png(x.pixels(window), ARTIFACTS / f"{pathlib.Path(plugin).name}.png")
    # A drag on the session's screen reaches the plugin through the nested server.
    param_id, value = drag_until_a_param_moves(device, group, session_display, window)
    assert device.get_param(param_id) == value


def test_every_zam_editor_draws_under_the_default_limits_in_its_sandboxs_nested_server(group, x):
    """Each editor's drawing, as the session's screen shows it, is the one it draws with the
    session's server itself (a first OpenGL frame can be uninitialised memory, which would
    pass for a drawing)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    trusted = scuff.SandboxLimits(x11="trusted")
    references = {"clap": group.create_sandbox(limits=trusted), "vst3": group.create_sandbox(limits=trusted)}
    sandboxes = {"clap": group.create_sandbox(limits=DEFAULT), "vst3": group.create_sandbox(limits=DEFAULT)}
    for path in ZAM_FILES:
        kind = path.suffix.lstrip(".")
        reference = drawing(x, references[kind].create_device(str(path)))
        device = sandboxes[kind].create_device(str(path))
        device.show_editor()
        # One window per sandbox, titled for the editor shown last and sized to it.
        window = nested_window(x, device)
        x.wait_viewable(window)
        wait_until(lambda w=window, d=device: x.size(w) == d.editor_size, timeout=5,
                   what=f"{path.name}'s window sized")
        # A bound against a hang, not a speed goal.
        wait_until(lambda w=window, r=reference: time.sleep(0.02) or alike(x.pixels(w), r), timeout=60,
                   what=f"{path.name}'s editor drawn as with the session's server")
        save_png(x.pixels(window), ARTIFACTS / f"all-{path.name}.png")
        device.hide_editor()
        # With no editor shown, the window is hidden.
        wait_until(lambda w=window: not x.is_viewable(w), timeout=5, what="the empty window hidden")


def drawing(x: XClient, device: scuff.Device) -> np.ndarray:
    """The editor's drawing on the session's own server: a drawing (not a flat colour) that
    holds still, since nothing plays."""
    device.show_editor()
    window = device.editor_window
    x.wait_viewable(window)
    captures = [x.pixels(window)]

    def settled() -> bool:
        time.sleep(0.1)
        captures.append(x.pixels(window))
        return is_a_drawing(captures[-1]) and np.array_equal(captures[-1], captures[-2])
    wait_until(settled, timeout=60, what=f"{device.name}'s editor drawn")
    device.hide_editor()
    return captures[-1]


def alike(pixels: np.ndarray, reference: np.ndarray) -> bool:
    """The same drawing: at most 2% of the pixels differ (a meter's or a graph's)."""
    return pixels.shape == reference.shape and float(np.mean(np.any(pixels != reference, axis=2))) <= 0.02


def test_a_nested_sandbox_can_neither_read_the_sessions_windows_nor_grab_its_keyboard(
        group, x, test_plugins, monkeypatch):
    # A window of the session's with a colour of its own, where no editor covers its corner:
    # reading that colour is reading it. (The nested server may hold a window of the same id,
    # which is another window.)
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(x.host_window("secret", SECRET_COLOUR, at=(1200, 900))))
    monkeypatch.setenv(HOSTILE_PIXEL_VARIABLE, hex(SECRET_COLOUR))
    sandbox = group.create_sandbox(limits=NESTED)
    sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID).show_editor()
    snoop = sandbox.create_device(test_plugins / HOSTILE_FILE, plugin_id=HOSTILE_X11_SNOOP_ID)
    assert first_block_outcome(group, snoop) in (X11_SNOOP_REFUSED, X11_SNOOP_OTHER_WINDOW)
    # The same plugin under x11="trusted" reads it: the check above can fail.
    trusted = group.create_sandbox(limits=scuff.SandboxLimits(x11="trusted"))
    trusted.create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID).show_editor()
    trusted_snoop = trusted.create_device(test_plugins / HOSTILE_FILE, plugin_id=HOSTILE_X11_SNOOP_ID)
    assert first_block_outcome(group, trusted_snoop) == X11_SNOOP_READ
    # Its grab holds on its own server's keyboard only: the session's is free for others.
    grab = sandbox.create_device(test_plugins / HOSTILE_FILE, plugin_id=HOSTILE_X11_GRAB_ID)
    assert first_block_outcome(group, grab) == X.GrabSuccess
    assert x.grab_keyboard() == X.GrabSuccess


def test_a_trusted_sandboxs_grab_takes_the_sessions_keyboard(group, x, test_plugins):
    # The other side of the test above: with the session's server, the same grab holds.
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(x11="trusted"))
    sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID).show_editor()
    grab = sandbox.create_device(test_plugins / HOSTILE_FILE, plugin_id=HOSTILE_X11_GRAB_ID)
    assert first_block_outcome(group, grab) == X.GrabSuccess
    assert x.grab_keyboard() == X.AlreadyGrabbed
    sandbox.close()
    wait_until(lambda: x.grab_keyboard() == X.GrabSuccess, timeout=5, what="the grab gone with its sandbox")


def test_an_editor_of_a_nested_sandbox_cannot_be_embedded(group, x, test_plugins):
    device = group.create_sandbox(limits=NESTED).create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID)
    with pytest.raises(scuff.EditorError, match="x11='nested'.*none can be embedded"):
        device.show_editor(x.host_window("embedder"), embed=True)
    assert not device.editor_visible


def test_the_nested_server_and_its_window_end_with_the_sandbox(group, x, test_plugins):
    before = xephyr_processes()
    sandbox = group.create_sandbox(limits=NESTED)
    device = sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID)
    device.show_editor()
    window = nested_window(x, device)
    started = xephyr_processes() - before
    assert len(started) == 1
    sandbox.close()
    wait_until(lambda: not set(xephyr_processes()) & started, timeout=5, what="the nested server gone")
    wait_until(lambda: not x.exists(window), timeout=5, what="its window gone")


def test_without_xephyr_the_editor_is_refused_with_the_package_to_install(group, test_plugins, tmp_path,
                                                                          monkeypatch):
    sandbox = group.create_sandbox(limits=NESTED)
    device = sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(scuff.EditorError, match="needs the Xephyr X server.*xserver-xephyr"):
        device.show_editor()
    assert sandbox.state == "running" and not device.editor_visible
    out = group.render({device.input(0): np.ones((2, BLOCK), np.float32)}, device.output(0))
    assert np.array_equal(out, np.ones((2, BLOCK), np.float32))  # the editor faults plugin copies its input


def test_closing_the_nested_servers_window_closes_its_editors_and_the_sandbox_goes_on(group, x, test_plugins):
    closed: list[scuff.Device] = []
    sandbox = group.create_sandbox(limits=NESTED)
    devices = [sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID) for _ in range(2)]
    for device in devices:
        device.on_editor_closed = closed.append
        device.show_editor()
    window = nested_window(x, devices[-1])
    # What a window manager sends when the user clicks the window's close button.
    x.close_button(window)
    wait_until(lambda: len(closed) == 2, timeout=5, what="both editors closed")
    assert not any(device.editor_visible for device in devices)
    wait_until(lambda: not x.is_viewable(window), timeout=5, what="the empty window hidden")
    assert sandbox.state == "running"
    devices[0].show_editor()
    assert nested_window(x, devices[0]) == window


def test_the_editors_of_one_sandbox_sit_side_by_side_in_its_window(group, x):
    plugins = ["/usr/lib/clap/ZamComp.clap", "/usr/lib/vst3/ZamEQ2.vst3"]
    trusted = scuff.SandboxLimits(x11="trusted")
    references = [drawing(x, group.create_sandbox(limits=trusted).create_device(p)) for p in plugins]
    sandbox = group.create_sandbox(limits=DEFAULT)
    devices = [sandbox.create_device(p) for p in plugins]
    for device in devices:
        device.show_editor()
    window = nested_window(x, devices[-1])
    (left_width, left_height), (right_width, right_height) = (d.editor_size for d in devices)
    wait_until(lambda: x.size(window) == (left_width + right_width, max(left_height, right_height)), timeout=5,
               what="the window sized to hold both")
    assert devices[0].editor_window == devices[1].editor_window == window

    def both_in_place() -> bool:
        time.sleep(0.02)
        pixels = x.pixels(window)
        return (alike(pixels[:left_height, :left_width], references[0])
                and alike(pixels[:right_height, left_width:], references[1]))
    wait_until(both_in_place, timeout=20, what="each editor drawn in its place")
    # The first one closed, the other moves to the left and the window shrinks to it.
    devices[0].hide_editor()
    wait_until(lambda: x.size(window) == (right_width, right_height), timeout=5, what="the window sized to one")
    wait_until(lambda: time.sleep(0.02) or alike(x.pixels(window), references[1]), timeout=20,
               what="the editor left drawn at the left")
