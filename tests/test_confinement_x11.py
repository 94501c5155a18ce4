"""X11 for editors without the keys to the session: a confined sandbox never sees the
session's cookie, but gets one of its own from the client when it shows its first editor.
Under x11="untrusted" that cookie is untrusted (the X SECURITY extension): a plugin cannot
read another client's window; under x11="trusted" it is trusted, so that OpenGL editors draw
(and can be embedded). The default, x11="auto", is "nested" where Xephyr is installed
(test_confinement_x11_nested.py) and "trusted" where it is not.
`sandbox.confinement` says what the server allowed. The server here admits only clients
with a cookie, as a desktop session's does; a fake HOME keeps the real user's files out."""

from __future__ import annotations

import errno
import pathlib
import time
from collections.abc import Iterator

import numpy as np
import pytest

import scuff
from scuff.confine.x11_authority import session_cookie
from support.fake_home import make_fake_home
from support.hostile import first_block_outcome
from support.test_plugins import (
    EDITOR_FAULTS_ID,
    FAULTS_FILE,
    HOSTILE_CONNECT_UNIX_ID,
    HOSTILE_FILE,
    HOSTILE_READ_ID,
    HOSTILE_TARGET_VARIABLE,
    HOSTILE_X11_SNOOP_ID,
    X11_SNOOP_NO_DISPLAY,
    X11_SNOOP_READ,
    X11_SNOOP_REFUSED,
)
from support.waiting import wait_until
from support.x11 import XClient, authorised_xvfb, xvfb_display

BLOCK = 64
TRUSTED = scuff.SandboxLimits(x11="trusted")


@pytest.fixture(scope="module")
def authorised_display(tmp_path_factory) -> Iterator[tuple[str, pathlib.Path]]:
    """An Xvfb that admits only clients with its cookie; DISPLAY and XAUTHORITY name it."""
    with authorised_xvfb(tmp_path_factory.mktemp("x11")) as (name, authority), pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLAY", name)
        patch.setenv("XAUTHORITY", str(authority))
        yield name, authority


@pytest.fixture
def home(tmp_path, monkeypatch) -> pathlib.Path:
    return make_fake_home(tmp_path, monkeypatch)


@pytest.fixture
def x(authorised_display) -> Iterator[XClient]:
    connection = XClient(authorised_display[0])
    yield connection
    connection.close()


@pytest.fixture
def group(home, authorised_display, x) -> Iterator[scuff.Group]:
    with scuff.Client(control_timeout=5.0, load_timeout=5.0, autosave_interval=None, app_name="Test DAW",
                      parent_window=x.host_window()) as client:
        yield client.create_group(sample_rate=48000, block_size=BLOCK)


def snoop(group: scuff.Group, sandbox: scuff.Sandbox, test_plugins: pathlib.Path) -> int:
    """A snooping plugin made now in `sandbox`: what it could read."""
    device = sandbox.create_device(test_plugins / HOSTILE_FILE, plugin_id=HOSTILE_X11_SNOOP_ID)
    return first_block_outcome(group, device)


def show_an_editor(sandbox: scuff.Sandbox, test_plugins: pathlib.Path) -> scuff.Device:
    """An editor that draws nothing, and so needs no extension of the server's."""
    device = sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID)
    device.show_editor()
    return device


def test_an_untrusted_sandbox_cannot_read_another_clients_window(group, test_plugins, monkeypatch, x):
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(group.client.parent_window))
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(x11="untrusted"))
    # No cookie at all before the first editor.
    assert snoop(group, sandbox, test_plugins) == X11_SNOOP_NO_DISPLAY
    editor = show_an_editor(sandbox, test_plugins)
    x.wait_viewable(editor.editor_window)
    x11 = sandbox.confinement.enforced["X11"]
    assert "untrusted cookie of its own" in x11 and "BIG-REQUESTS, XC-MISC" in x11
    assert snoop(group, sandbox, test_plugins) == X11_SNOOP_REFUSED


def test_a_trusted_sandbox_gets_a_cookie_of_its_own_never_the_sessions(group, test_plugins, monkeypatch, x,
                                                                        authorised_display):
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(group.client.parent_window))
    sandbox = group.create_sandbox(limits=TRUSTED)
    assert "X11" in sandbox.confinement.not_enforced
    show_an_editor(sandbox, test_plugins)
    assert "trusted cookie of its own" in sandbox.confinement.not_enforced["X11"]
    number = int(authorised_display[0].lstrip(":"))
    own = session_cookie(number, sandbox._process._private_dir / "Xauthority")
    assert own is not None and own != session_cookie(number)
    # Trusted: it may read other clients' windows, as the report says.
    assert snoop(group, sandbox, test_plugins) == X11_SNOOP_READ
    # The session's authority file is outside its view.
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(authorised_display[1]))
    reader = group.create_sandbox(limits=TRUSTED).create_device(test_plugins / HOSTILE_FILE, plugin_id=HOSTILE_READ_ID)
    assert first_block_outcome(group, reader) == errno.ENOENT


def test_only_the_displays_own_socket_is_in_the_view(group, test_plugins, monkeypatch, authorised_display):
    with xvfb_display() as other:
        for display, outcome in ((authorised_display[0], 0), (other, errno.ENOENT)):
            monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, f"/tmp/.X11-unix/X{display.lstrip(':')}")
            device = group.create_sandbox(limits=TRUSTED).create_device(test_plugins / HOSTILE_FILE,
                                                          plugin_id=HOSTILE_CONNECT_UNIX_ID)
            assert first_block_outcome(group, device) == outcome


@pytest.mark.parametrize("plugin", ["/usr/lib/clap/ZamComp.clap", "/usr/lib/vst3/ZamComp.vst3"])
def test_an_opengl_editor_draws_with_the_sandboxs_own_cookie(group, x, plugin):
    device = group.create_sandbox(limits=TRUSTED).create_device(plugin)
    device.show_editor()
    window = device.editor_window
    x.wait_viewable(window)

    def drawn() -> bool:
        time.sleep(0.02)
        pixels = x.pixels(window)[::4, ::4].astype(np.uint32)
        return len(np.unique((pixels[:, :, 0] << 16) | (pixels[:, :, 1] << 8) | pixels[:, :, 2])) > 16
    wait_until(drawn, timeout=5, what="the editor drawn")


def test_an_opengl_editor_under_an_untrusted_cookie_fails_with_the_reason(group):
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(x11="untrusted"))
    device = sandbox.create_device("/usr/lib/clap/ZamComp.clap")
    # The plugin gives up on its editor without GLX, or (depending on what its memory
    # holds) crashes: either way the error says why.
    with pytest.raises((scuff.EditorError, scuff.SandboxCrashedError), match="x11='trusted'"):
        device.show_editor()


def test_a_server_that_admits_every_client_is_reported(home, test_plugins):
    with xvfb_display() as name, pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLAY", name)
        with scuff.Client(autosave_interval=None) as client:
            sandbox = client.create_group().create_sandbox(limits=scuff.SandboxLimits(x11="untrusted"))
            show_an_editor(sandbox, test_plugins)
            assert "admits every local client" in sandbox.confinement.not_enforced["X11"]


def test_without_a_display_the_x11_item_says_none_was_made(home, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    with scuff.Client(autosave_interval=None) as client:
        assert "x11='auto', no connection yet" in client.create_group().create_sandbox().confinement.enforced["X11"]
        sandbox = client.create_group().create_sandbox(limits=TRUSTED)
        assert "no connection yet" in sandbox.confinement.not_enforced["X11"]


def test_by_default_without_xephyr_a_sandbox_gets_a_trusted_cookie_and_says_why(group, test_plugins, tmp_path, x,
                                                                                monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox = group.create_sandbox()
    item = sandbox.confinement.not_enforced["X11"]
    assert "x11='auto' without Xephyr" in item and "xserver-xephyr" in item
    show_an_editor(sandbox, test_plugins)
    assert "trusted cookie of its own" in sandbox.confinement.not_enforced["X11"]


def test_a_display_on_another_host_is_no_socket_of_the_sandboxs(monkeypatch):
    from scuff.confine.display import display_socket, local_display
    monkeypatch.setenv("DISPLAY", "elsewhere:0")
    assert local_display() is None and display_socket() is None
    assert local_display({"DISPLAY": "unix:3.0"}).number == 3
