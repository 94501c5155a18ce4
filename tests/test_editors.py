"""Plugin editors under Xvfb, on the session's X server (x11="trusted", which embedding
needs): every zam editor opens in its sandbox and draws, its window is parented to the
host's as a real X client sees it, gestures in it reach the client and survive a crash, and
the sandbox never needs X until an editor is shown. Editors under the default limits, in a
nested X server of their sandbox's, are in test_confinement_x11_nested.py."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import numpy as np
import pytest

import scuff
from scuff.formats import plugin_format
from support.repo import REPO_ROOT
from support.signals import noise
from support.waiting import wait_until
from support.x11 import XClient, drag_until_a_param_moves, save_png, xvfb_display
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES

ARTIFACTS = REPO_ROOT / "build" / "artifacts" / "editors"
ZAM_FILES = [*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES]
# On the session's X server, which embedding needs.
TRUSTED = scuff.SandboxLimits(x11="trusted")


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    with xvfb_display() as name, pytest.MonkeyPatch.context() as patch:
        # Sandboxes inherit the client's environment: they find the display here.
        patch.setenv("DISPLAY", name)
        yield name


@pytest.fixture
def x(x_display: str) -> Iterator[XClient]:
    connection = XClient(x_display)
    yield connection
    connection.close()


@pytest.fixture
def host_window(x: XClient) -> int:
    return x.host_window()


@pytest.fixture
def editor_client(x_display: str, host_window: int) -> Iterator[scuff.Client]:
    with scuff.Client(app_name="Test DAW", parent_window=host_window) as client:
        yield client


def test_every_zam_editor_opens_and_draws(editor_client: scuff.Client, x: XClient) -> None:
    group = editor_client.create_group(sample_rate=48000, block_size=256)
    sandboxes = {"clap": group.create_sandbox(limits=TRUSTED), "vst3": group.create_sandbox(limits=TRUSTED)}
    for path in ZAM_FILES:
        device = sandboxes[plugin_format(path)].create_device(str(path))
        assert device.has_editor, path.name
        device.show_editor()
        assert device.editor_visible
        window = device.editor_window
        assert window is not None
        x.wait_viewable(window)
        width, height = device.editor_size
        assert x.size(window) == (width, height) and width > 50 and height > 50
        # Drawn by the plugin through Mesa's software OpenGL: not one flat colour.
        def drawn(window: int = window) -> bool:
            time.sleep(0.02)  # reading the window is costly: give the plugin the CPU meanwhile
            return x.is_drawn(window)
        # A bound against a hang, not a speed goal: the benchmark times drawing.
        wait_until(drawn, timeout=60, what=f"{path.name}'s editor drawn")
        save_png(x.pixels(window), ARTIFACTS / f"{path.name}.png")
        device.hide_editor()
        assert not device.editor_visible and device.editor_window is None
        wait_until(lambda window=window: not x.exists(window), timeout=5, what="the editor's window destroyed")


@pytest.mark.parametrize("plugin", ["ZamComp.clap", "ZamComp.vst3"])
def test_editor_window_is_parented_to_the_host(editor_client: scuff.Client, x: XClient, host_window: int,
                                               plugin: str) -> None:
    folder = f"/usr/lib/{plugin_format(plugin)}"
    sandbox = editor_client.create_group().create_sandbox(limits=TRUSTED)
    device = sandbox.create_device(f"{folder}/{plugin}")
    device.show_editor()
    window = device.editor_window
    x.wait_viewable(window)
    properties = x.properties(window)
    assert properties["pid"] == sandbox.pid
    assert properties["transient_for"] == host_window
    assert properties["class"] == ("test-daw", "Test DAW")
    assert "ZamComp" in properties["title"] and "Test DAW" in properties["title"]
    assert "WM_DELETE_WINDOW" in properties["protocols"]
    assert properties["machine"]


@pytest.mark.parametrize("plugin", ["/usr/lib/clap/ZamEQ2.clap", "/usr/lib/vst3/ZamEQ2.vst3"])
def test_embedded_editor_lives_inside_the_host_window(editor_client: scuff.Client, x: XClient,
                                                      host_window: int, plugin: str) -> None:
    device = editor_client.create_group().create_sandbox(limits=TRUSTED).create_device(plugin)
    device.show_editor(host_window, embed=True)
    window = device.editor_window
    assert window in x.children(host_window)
    x.wait_viewable(window)
    assert x.size(window) == device.editor_size


def test_embedding_in_a_window_that_does_not_exist_fails_cleanly(editor_client: scuff.Client) -> None:
    device = editor_client.create_group().create_sandbox(limits=TRUSTED).create_device("/usr/lib/clap/ZamComp.clap")
    with pytest.raises(scuff.EditorError, match="not a window"):
        device.show_editor(0x3FFFFFF, embed=True)
    assert not device.editor_visible
    assert device.sandbox.state == "running"


def test_a_fixed_size_editor_keeps_its_size(editor_client: scuff.Client, x: XClient) -> None:
    device = editor_client.create_group().create_sandbox(limits=TRUSTED).create_device("/usr/lib/clap/ZamComp.clap")
    device.show_editor()
    size = device.editor_size
    assert not device.editor_resizable
    assert device.resize_editor(size[0] + 100, size[1] + 50) == size
    assert x.size(device.editor_window) == size


@pytest.mark.parametrize("plugin", ["/usr/lib/clap/ZamComp.clap", "/usr/lib/vst3/ZamComp.vst3"])
def test_close_button_hides_the_editor_and_tells_the_client(editor_client: scuff.Client, x: XClient,
                                                            plugin: str) -> None:
    device = editor_client.create_group().create_sandbox(limits=TRUSTED).create_device(plugin)
    closed: list[scuff.Device] = []
    device.on_editor_closed = closed.append
    device.show_editor()
    window = device.editor_window
    x.wait_viewable(window)
    x.close_button(window)
    wait_until(lambda: closed == [device], timeout=5, what="the client told of the close")
    assert not device.editor_visible
    wait_until(lambda: not x.exists(window), timeout=5, what="the window gone")
    device.show_editor()
    x.wait_viewable(device.editor_window)


def test_without_a_display_show_editor_raises_and_audio_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with scuff.Client() as client:
        group = client.create_group(block_size=256)
        device = group.create_sandbox(limits=TRUSTED).create_device("/usr/lib/clap/ZamComp.clap")
        x_in = noise(1, 4096)
        before = group.render({device.input(0): x_in}, device.output(0))
        with pytest.raises(scuff.NoDisplayError, match="DISPLAY"):
            device.show_editor()
        assert device.sandbox.state == "running" and not device.editor_visible
        device.load(device.save())
        after = group.render({device.input(0): x_in}, device.output(0))
        assert np.isfinite(after).all() and after.shape == before.shape


@pytest.mark.parametrize("plugin", ["/usr/lib/clap/ZamComp.clap", "/usr/lib/vst3/ZamComp.vst3"])
def test_a_drag_on_a_knob_reaches_the_client_and_survives_a_crash(x_display: str, x: XClient, host_window: int,
                                                                   plugin: str) -> None:
    edits: list[tuple[str, float]] = []
    with scuff.Client(app_name="Test DAW", parent_window=host_window, autosave_interval=0.2,
                      on_param_edit=lambda device, param, value: edits.append((param.name, value))) as client:
        group = client.create_group(block_size=256)
        sandbox = group.create_sandbox(limits=TRUSTED)
        device = sandbox.create_device(plugin)
        device.show_editor()
        x.wait_viewable(device.editor_window)
        param_id, value = drag_until_a_param_moves(device, group, x_display, device.editor_window)
        name = device.param(param_id).name
        wait_until(lambda: any(edited == name for edited, _ in edits), timeout=5, what="on_param_edit called")
        # Autosave takes the edited state before any further block of audio (a VST3 build of a
        # DPF plugin takes the value into its component only in such a block); then the sandbox dies.
        value = device.get_param(param_id)
        # Autosaved once nothing changed since the last save.
        wait_until(lambda: device.saved_at is not None and not device._dirty, timeout=5, what="autosave")
        os.kill(sandbox.pid, signal.SIGKILL)
        wait_until(lambda: sandbox.state == "crashed", timeout=5, what="the crash seen")
        assert not device.editor_visible
        sandbox.restart()
        assert device.get_param(param_id) == pytest.approx(value, abs=1e-6)
        # The editor that was open opens again.
        assert device.editor_visible
        x.wait_viewable(device.editor_window)


def test_scuff_editor_command_opens_the_editor(x_display: str, x: XClient) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "scuff", "editor", "/usr/lib/clap/ZamGate.clap", "--seconds", "1"],
                            capture_output=True, text=True, timeout=30, env={**os.environ, "DISPLAY": x_display})
    assert result.returncode == 0, result.stderr
    assert "ZamGate: editor open in window" in result.stdout
