"""What a confined plugin sees of the machine: its file-system view holds the system's
libraries and data, the plugin folders and the allowed paths (read-only), its temporary
folder, and at the home folder its vendor's settings home. The user's own files in the home
folder, other programs' settings and keys, their sockets (by path or abstract name), the
host's process and its signals are out of reach, and whatever the plugin plants lands in the
settings home, never in the real home folder. A fake HOME keeps the real user's files out
of every test."""

from __future__ import annotations

import errno
import os
import pathlib
import secrets
import shutil
import signal
import socket
import tempfile

import pytest

import scuff
from support.fake_home import make_fake_home, settings_home_of
from support.hostile import BLOCK, attempt, enforced, hostile, process_until
from support.repo import REPO_ROOT
from support.test_plugins import (
    HOSTILE_CONNECT_UNIX_ID,
    HOSTILE_READ_ID,
    HOSTILE_SIGNAL_HOST_ID,
    HOSTILE_TARGET_VARIABLE,
    HOSTILE_WRITE_DEEP_ID,
    HOSTILE_WRITE_ID,
    PASSTHROUGH_ID,
    PLUGINS_FILE,
)

# Test plugins are made by "scuff".
VENDOR = "scuff"
VIEW = "file-system view (namespaces)"


@pytest.fixture
def home(tmp_path, monkeypatch) -> pathlib.Path:
    return make_fake_home(tmp_path, monkeypatch)


@pytest.fixture
def client(home):
    with scuff.Client(control_timeout=2.0, load_timeout=2.0, autosave_interval=None) as client:
        yield client


@pytest.fixture
def group(client):
    return client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.2)


@pytest.fixture
def bystander(group, test_plugins):
    return group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)


def try_on(group, bystander, test_plugins, monkeypatch, plugin_id, target, **limits) -> int:
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(target))
    device = hostile(group, test_plugins, plugin_id, **limits)
    if device.sandbox.limits.confine and not enforced(device.sandbox, VIEW):
        pytest.skip("no unprivileged user namespaces on this machine")
    return attempt(group, device, bystander)


# Files that run code at the user's next login, or in every shell.
LOGIN_FILES = [".config/autostart/planted.desktop", ".config/systemd/user/planted.service",
               ".local/share/applications/planted.desktop", ".bashrc", ".profile", ".ssh/authorized_keys"]


@pytest.mark.parametrize("login_file", LOGIN_FILES)
def test_a_login_file_is_refused_and_never_reaches_the_home_folder(group, bystander, test_plugins, monkeypatch,
                                                                   home, login_file):
    (home / ".bashrc").write_text("the user's own\n")
    target = home / login_file
    # Those places are read-only in every settings home: the attempt is refused, and reported.
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(target))
    device = hostile(group, test_plugins, HOSTILE_WRITE_DEEP_ID)
    if not enforced(device.sandbox, VIEW):
        pytest.skip("no unprivileged user namespaces on this machine")
    assert attempt(group, device, bystander) == errno.EROFS
    assert any(r.error == "EROFS" and str(target).startswith(r.path) for r in device.sandbox.refusals)
    kept = settings_home_of(VENDOR) / login_file
    assert not kept.exists() or kept.read_text() == ""
    if login_file == ".bashrc":
        assert target.read_text() == "the user's own\n"
    else:
        assert not target.exists()
        assert target.parent == home or not target.parent.exists()


@pytest.mark.parametrize("secret", [".config/other-program/token", ".ssh/id_ed25519", ".gnupg/private-keys"])
def test_another_programs_settings_and_the_users_keys_are_out_of_reach(group, bystander, test_plugins,
                                                                      monkeypatch, home, secret):
    (home / secret).parent.mkdir(parents=True, exist_ok=True)
    (home / secret).write_text("secret\n")
    assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_READ_ID, home / secret) == errno.ENOENT
    # Unconfined, the same plugin reads it.
    assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_READ_ID, home / secret,
                  confine=False, network=True, allow_exec=True) == 0


@pytest.fixture
def folder_outside():
    """A folder no limit names, outside the temporary folders and the home folder."""
    folder = pathlib.Path(tempfile.mkdtemp(dir=REPO_ROOT / "build", prefix="view-test-")).resolve()
    yield folder
    shutil.rmtree(folder)


@pytest.mark.parametrize("where", ["home", "folder_outside"])
def test_a_path_socket_outside_the_view_is_out_of_reach(group, bystander, test_plugins, monkeypatch, request,
                                                        where):
    folder = request.getfixturevalue(where) / "run"
    folder.mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(folder / "agent.sock"))
        listener.listen()
        listener.setblocking(False)
        assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_CONNECT_UNIX_ID,
                      folder / "agent.sock") == errno.ENOENT
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_an_abstract_socket_of_the_host_is_out_of_reach(group, bystander, test_plugins, monkeypatch):
    name = f"scuff-view-test-{secrets.token_hex(8)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind("\0" + name)
        listener.listen()
        listener.setblocking(False)
        result = try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_CONNECT_UNIX_ID, "@" + name)
        # Not there in its own network namespace; refused by Landlock's scope where it is.
        assert result in (errno.ECONNREFUSED, errno.EPERM)
        with pytest.raises(BlockingIOError):
            listener.accept()
        # Unconfined, the same plugin connects.
        assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_CONNECT_UNIX_ID, "@" + name,
                      confine=False, network=True, allow_exec=True) == 0
        listener.accept()[0].close()


@pytest.mark.parametrize("entry", ["environ", "mem"])
def test_the_hosts_environment_and_memory_are_out_of_reach(group, bystander, test_plugins, monkeypatch, entry):
    target = f"/proc/{os.getpid()}/{entry}"
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, target)
    device = hostile(group, test_plugins, HOSTILE_READ_ID)
    if not enforced(device.sandbox, "files"):
        pytest.skip("no Landlock on this kernel")
    # Landlock denies a sandboxed process any ptrace access to processes outside it.
    assert attempt(group, device, bystander) == errno.EACCES


def test_a_signal_to_the_host_stops_the_sandbox_and_never_arrives(group, bystander, test_plugins, monkeypatch):
    arrived: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda number, frame: arrived.append(number))
    try:
        monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(os.getpid()))
        device = hostile(group, test_plugins, HOSTILE_SIGNAL_HOST_ID)
        if not enforced(device.sandbox, "signals (seccomp)"):
            pytest.skip("no seccomp on this kernel")
        process_until(group, device, bystander, lambda: device.sandbox.state == "crashed")
        assert device.sandbox.reason_code is scuff.Reason.FORBIDDEN_SYSCALL
        assert "kill" in device.sandbox.reason
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert arrived == []


def test_the_plugin_folders_and_the_system_are_read_only(group, bystander, test_plugins, monkeypatch):
    for target in (test_plugins / "planted.txt", pathlib.Path("/usr/planted.txt")):
        assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_WRITE_ID, target) in (errno.EROFS,
                                                                                                 errno.EACCES)
        assert not target.exists()


def test_an_allowed_folder_in_the_home_folder_is_shown_read_only(group, bystander, test_plugins, monkeypatch,
                                                                 home):
    samples = home / "Samples"
    samples.mkdir()
    (samples / "kick.wav").write_text("RIFF\n")
    assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_READ_ID, samples / "kick.wav",
                  allowed_paths=[samples]) == 0
    assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_WRITE_ID, samples / "planted.txt",
                  allowed_paths=[samples]) == errno.EROFS
    assert not (samples / "planted.txt").exists()


def test_a_writable_folder_in_the_home_folder_opens_the_real_one(group, bystander, test_plugins, monkeypatch,
                                                                 home):
    presets = home / "Presets"
    presets.mkdir()
    assert try_on(group, bystander, test_plugins, monkeypatch, HOSTILE_WRITE_ID, presets / "mine.preset",
                  writable_paths=[presets]) == 0
    assert (presets / "mine.preset").read_text() == "planted\n"


def test_the_home_folder_itself_cannot_be_allowed(home):
    with pytest.raises(scuff.LimitsError, match="home folder"):
        scuff.SandboxLimits(allowed_paths=[home])
    with pytest.raises(scuff.LimitsError, match="home folder"):
        scuff.SandboxLimits(writable_paths=["~"])
