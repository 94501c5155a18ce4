"""A sandbox does only what its limits allow: each hostile test plugin is refused or stopped
with its reason, nothing it tried reaches the outside, and a bystander sandbox in the same
group stays bit-exact. The checks hold as root and as a normal user, and on kernels that
lack a mechanism they check that the sandbox says so."""

from __future__ import annotations

import errno
import os
import pathlib
import shutil
import socket
import tempfile

import numpy as np
import pytest

import scuff
import scuff.confine.limits
from support.hostile import BLOCK, attempt, enforced, hostile, process_until
from support.repo import REPO_ROOT
from support.signals import noise
from support.test_plugins import (
    FAULTS_FILE,
    FAULTY_ID,
    HOSTILE_ALLOCATE_ID,
    HOSTILE_CONNECT_ID,
    HOSTILE_CONNECT_UNIX_ID,
    HOSTILE_EXEC_ID,
    HOSTILE_EXEC_IN_INIT_ID,
    HOSTILE_FILE,
    HOSTILE_FORK_ID,
    HOSTILE_READ_ID,
    HOSTILE_SIGNAL_ID,
    HOSTILE_SPIN_ID,
    HOSTILE_TARGET_VARIABLE,
    HOSTILE_WRITE_ID,
    PASSTHROUGH_ID,
    PLUGINS_FILE,
    Fault,
)
from support.waiting import wait_until


@pytest.fixture
def client():
    with scuff.Client(control_timeout=2.0, load_timeout=2.0, autosave_interval=None) as client:
        yield client


@pytest.fixture
def group(client):
    return client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.2)


@pytest.fixture
def bystander(group, test_plugins):
    return group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)


def test_default_limits_are_reported_enforced_or_explained(client, group):
    sandbox = group.create_sandbox()
    assert sandbox.limits == client.default_limits == scuff.SandboxLimits()
    for what in ("privileges", "files", "system calls", "signals (seccomp)", "programs", "network (sockets, seccomp)",
                 "file-system view (namespaces)", "network (namespace)"):
        enforced(sandbox, what)
    limited = group.create_sandbox(limits=scuff.SandboxLimits(memory_mb=256, cpu_seconds=60))
    assert enforced(limited, "memory") and enforced(limited, "cpu")  # rlimits: every Linux
    assert not group.create_sandbox(limits=scuff.SandboxLimits.unconfined()).confinement.confined


def test_allocating_past_the_memory_limit_stops_the_sandbox(group, bystander, test_plugins):
    device = hostile(group, test_plugins, HOSTILE_ALLOCATE_ID, memory_mb=128)
    process_until(group, device, bystander, lambda: device.sandbox.state == "crashed")
    assert device.sandbox.reason_code is scuff.Reason.MEMORY_LIMIT
    assert "memory limit (128 MB)" in device.sandbox.reason


def test_spinning_past_the_cpu_limit_stops_the_sandbox(group, bystander, test_plugins):
    device = hostile(group, test_plugins, HOSTILE_SPIN_ID, cpu_seconds=1)
    process_until(group, device, bystander, lambda: device.sandbox.state == "crashed", max_blocks=100000)
    assert device.sandbox.reason_code is scuff.Reason.CPU_LIMIT
    assert "SIGXCPU" in device.sandbox.reason


@pytest.mark.parametrize(("plugin_id", "call"), [(HOSTILE_EXEC_ID, "execve"), (HOSTILE_SIGNAL_ID, "kill")])
def test_a_forbidden_system_call_stops_the_sandbox_and_is_named(group, bystander, test_plugins, plugin_id, call,
                                                                caplog):
    device = hostile(group, test_plugins, plugin_id)
    if not enforced(device.sandbox, "system calls"):
        pytest.skip("no seccomp on this kernel")
    with caplog.at_level("WARNING", logger="scuff.sandbox"):
        process_until(group, device, bystander, lambda: device.sandbox.state == "crashed")
    assert device.sandbox.reason_code is scuff.Reason.FORBIDDEN_SYSCALL
    assert call in device.sandbox.reason and "SIGSYS" in device.sandbox.reason
    assert any(call in record.getMessage() for record in caplog.records)  # what it tried is logged


def test_a_connection_to_a_local_listener_is_refused(group, bystander, test_plugins, monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(listener.getsockname()[1]))
        device = hostile(group, test_plugins, HOSTILE_CONNECT_ID)
        assert attempt(group, device, bystander) == errno.EACCES
        with pytest.raises(BlockingIOError):
            listener.accept()


@pytest.mark.skipif(not tempfile.gettempdir().startswith("/tmp"), reason="the test's folders are not in /tmp")
def test_a_unix_socket_in_a_hidden_folder_is_out_of_reach(group, bystander, test_plugins, monkeypatch, tmp_path):
    """As an SSH agent's or the session bus's would be."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(tmp_path / "agent.sock"))
        listener.listen()
        listener.setblocking(False)
        monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(tmp_path / "agent.sock"))
        device = hostile(group, test_plugins, HOSTILE_CONNECT_UNIX_ID)
        if not enforced(device.sandbox, "file-system view (namespaces)"):
            pytest.skip("no unprivileged user namespaces on this machine")
        assert attempt(group, device, bystander) == errno.ENOENT
        with pytest.raises(BlockingIOError):
            listener.accept()
        # An allowed folder is kept, sockets and all.
        allowed = hostile(group, test_plugins, HOSTILE_CONNECT_UNIX_ID, allowed_paths=[tmp_path])
        assert attempt(group, allowed, bystander) == 0
        listener.accept()[0].close()


@pytest.fixture
def outside_path():
    """A folder that no limit names, and outside the temporary folders (where the test's own
    tmp_path lies): in the project's build folder, beside the test plugins' folder, which a
    sandbox may read."""
    folder = pathlib.Path(tempfile.mkdtemp(dir=REPO_ROOT / "build", prefix="confinement-test-")).resolve()
    yield folder
    shutil.rmtree(folder)


# Outside its file-system view, a path is not there at all; on a machine without
# unprivileged user namespaces (SCUFF_USER_NAMESPACES=0 makes a sandbox act as on one),
# Landlock alone refuses it.
VIEWS = {"view": ("1", errno.ENOENT), "Landlock alone": ("0", errno.EACCES)}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("where", ["tmp_path", "outside_path"])
def test_a_write_outside_the_writable_folders_is_refused(group, bystander, test_plugins, monkeypatch, request,
                                                          where, view):
    planted = request.getfixturevalue(where) / "planted.txt"
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(planted))
    monkeypatch.setenv("SCUFF_USER_NAMESPACES", VIEWS[view][0])
    device = hostile(group, test_plugins, HOSTILE_WRITE_ID)
    if view == "Landlock alone":
        assert "user namespaces" in device.sandbox.confinement.not_enforced["file-system view (namespaces)"]
    if not enforced(device.sandbox, "files" if view == "Landlock alone" else "file-system view (namespaces)"):
        pytest.skip(f"no {view} on this machine")
    assert attempt(group, device, bystander) == VIEWS[view][1]
    assert not planted.exists()


def test_a_write_to_a_writable_path_and_the_private_tmpdir_works(group, bystander, test_plugins, monkeypatch,
                                                                 tmp_path):
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(tmp_path / "allowed.txt"))
    device = hostile(group, test_plugins, HOSTILE_WRITE_ID, writable_paths=[tmp_path])
    assert attempt(group, device, bystander) == 0
    assert (tmp_path / "allowed.txt").read_text() == "planted\n"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("where", ["tmp_path", "outside_path"])
def test_a_read_in_a_folder_that_is_not_allowed_is_refused(group, bystander, test_plugins, monkeypatch, request,
                                                           where, view):
    secret = request.getfixturevalue(where) / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text("secret\n")
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(secret / "key.txt"))
    monkeypatch.setenv("SCUFF_USER_NAMESPACES", VIEWS[view][0])
    device = hostile(group, test_plugins, HOSTILE_READ_ID)
    if not enforced(device.sandbox, "files" if view == "Landlock alone" else "file-system view (namespaces)"):
        pytest.skip(f"no {view} on this machine")
    assert attempt(group, device, bystander) == VIEWS[view][1]
    allowed = hostile(group, test_plugins, HOSTILE_READ_ID, allowed_paths=[secret])
    assert attempt(group, allowed, bystander) == 0


def children_of(pid: int) -> list[str]:
    tasks = f"/proc/{pid}/task"
    return [child for task in os.listdir(tasks)
            for child in open(f"{tasks}/{task}/children").read().split()]


def test_forking_repeatedly_is_refused(group, bystander, test_plugins):
    device = hostile(group, test_plugins, HOSTILE_FORK_ID)
    if not enforced(device.sandbox, "programs"):
        pytest.skip("no seccomp on this kernel")
    assert attempt(group, device, bystander) == errno.EPERM
    assert children_of(device.sandbox.pid) == []


def test_unconfined_sandboxes_let_the_same_plugins_through(group, bystander, test_plugins, monkeypatch, tmp_path):
    """The hostile plugins really try: without limits, each attempt succeeds."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(listener.getsockname()[1]))
        device = hostile(group, test_plugins, HOSTILE_CONNECT_ID, network=True, allow_exec=True, confine=False)
        assert attempt(group, device, bystander) == 0
        listener.accept()[0].close()
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(tmp_path / "planted.txt"))
    device = hostile(group, test_plugins, HOSTILE_WRITE_ID, network=True, allow_exec=True, confine=False)
    assert attempt(group, device, bystander) == 0 and (tmp_path / "planted.txt").exists()
    device = hostile(group, test_plugins, HOSTILE_FORK_ID, allow_exec=True)
    assert attempt(group, device, bystander) == 0


def test_the_scanner_is_confined_and_names_the_forbidden_call(client, test_plugins):
    client.scan([test_plugins / HOSTILE_FILE], standard_folders=False, use_cache=False)
    broken = {b.plugin_id: b.error for b in client.broken_plugins}
    assert set(broken) == {HOSTILE_EXEC_IN_INIT_ID}
    assert "forbidden system call, execve" in broken[HOSTILE_EXEC_IN_INIT_ID]


@pytest.mark.parametrize(("limits", "message"), [
    (dict(memory_mb=-5), "memory_mb must be at least"),
    (dict(memory_mb=1.5), "whole number"),
    (dict(cpu_seconds=0), "cpu_seconds must be positive"),
    (dict(cpu_seconds=float("nan")), "cpu_seconds must be positive"),
    (dict(writable_paths=["/no/such/folder"]), "writable_paths: /no/such/folder does not exist"),
    (dict(allowed_paths=[3]), "allowed_paths holds paths"),
    (dict(network="yes"), "network is True or False"),
])
def test_bad_limits_raise_a_clear_error(limits, message):
    with pytest.raises(scuff.LimitsError, match=message):
        scuff.SandboxLimits(**limits)


def test_limits_of_the_wrong_type_are_refused(group):
    with pytest.raises(scuff.ScuffError, match="SandboxLimits"):
        group.create_sandbox(limits={"memory_mb": 100})
    with pytest.raises(scuff.ScuffError, match="SandboxLimits"):
        scuff.Client(default_limits=512)


def test_an_older_landlock_is_used_as_far_as_it_goes_and_the_rest_reported(group, bystander, test_plugins,
                                                                          monkeypatch):
    if "files" not in group.create_sandbox().confinement.enforced:
        pytest.skip("no Landlock on this kernel")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(listener.getsockname()[1]))
        monkeypatch.setenv("SCUFF_LANDLOCK_ABI_MAX", "3")  # Linux 6.2: no network rules, no scopes
        device = hostile(group, test_plugins, HOSTILE_CONNECT_ID)
        confinement = device.sandbox.confinement
        assert "Landlock ABI 3" in confinement.enforced["files"]
        assert "needs ABI 4" in confinement.not_enforced["network (TCP, Landlock)"]
        assert "needs ABI 6" in confinement.not_enforced["signals (Landlock)"]
        # The network is still cut, by seccomp.
        assert attempt(group, device, bystander) == errno.EACCES
        with pytest.raises(BlockingIOError):
            listener.accept()
    monkeypatch.setenv("SCUFF_LANDLOCK_ABI_MAX", "0")
    confinement = group.create_sandbox().confinement
    assert "no Landlock" in confinement.not_enforced["files"]
    assert "system calls" in confinement.enforced


def test_a_crash_under_a_memory_limit_is_a_crash_when_memory_is_not_short(group, test_plugins):
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(memory_mb=256))
    device = sandbox.create_device(test_plugins / FAULTS_FILE, plugin_id=FAULTY_ID)
    device.schedule_param("Fault", int(Fault.CRASH_IN_PROCESS))
    group.process({device: noise(2, BLOCK)}, device)
    wait_until(lambda: sandbox.state == "crashed", what="the crash being seen")
    assert sandbox.reason_code is scuff.Reason.CRASHED and "SIGSEGV" in sandbox.reason


@pytest.mark.skipif(not os.path.exists("/usr/lib/clap/ZamComp.clap"), reason="zam-plugins not installed")
def test_a_small_memory_limit_still_hosts_a_real_plugin(group):
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(memory_mb=scuff.confine.limits.MIN_MEMORY_MB))
    device = sandbox.create_device("/usr/lib/clap/ZamComp.clap")
    assert group.render({device: noise(1, 4800)}, device).shape == (1, 4800)


def test_a_restarted_sandbox_keeps_its_limits(group, bystander, test_plugins):
    device = hostile(group, test_plugins, HOSTILE_EXEC_ID, memory_mb=256)
    process_until(group, device, bystander, lambda: device.sandbox.state == "crashed")
    device.sandbox.restart()
    assert "memory" in device.sandbox.confinement.enforced
    assert device.sandbox.limits.memory_mb == 256


def test_a_plugin_reached_through_a_link_is_readable(group, test_plugins, tmp_path):
    linked = tmp_path / "linked.clap"
    linked.symlink_to(test_plugins / PLUGINS_FILE)
    device = group.create_sandbox().create_device(linked, plugin_id=PASSTHROUGH_ID)
    x = noise(2, BLOCK)
    np.testing.assert_array_equal(group.render({device: x}, device), x)


def test_private_folders_go_with_their_process_or_with_the_next_client(group, tmp_path):
    sandbox = group.create_sandbox()
    private = sandbox._process._private_dir
    assert private.is_dir()
    sandbox.close()
    assert not private.exists()
    # A client killed before it could remove its sandboxes' folders: the next one does.
    dead_pid = os.getpid() + 1
    while os.path.exists(f"/proc/{dead_pid}"):
        dead_pid += 1
    stale = pathlib.Path(tempfile.mkdtemp(prefix=f"scuff-sbox-{dead_pid}-"))
    (stale / "left-over").write_text("x")
    scuff.Client().close()
    assert not stale.exists()
