"""Every refusal reaches the client: a file operation the view or Landlock refused, with
its path, and a system call seccomp refused, each in `Sandbox.refusals` and given to
`on_refusal`, at most a few a second; what a sandbox writes on its report descriptor
itself is bounded and checked. A fake HOME keeps the real user's files out of every test."""

from __future__ import annotations

import errno
import math
import os
import pathlib
import subprocess
import sys
import threading
import time

import pytest

import scuff
from scuff.confine import refusals as refusal_limits
from scuff.confine.report import ReportReader
from support.fake_home import make_fake_home
from support.hostile import BLOCK, attempt, enforced, hostile
from support.test_plugins import (
    HOSTILE_FILE,
    HOSTILE_FORK_ID,
    HOSTILE_READ_ID,
    HOSTILE_READ_MANY_ID,
    HOSTILE_TARGET_VARIABLE,
    HOSTILE_WRITE_ID,
    PASSTHROUGH_ID,
    PLUGINS_FILE,
)
from support.waiting import wait_until


@pytest.fixture
def home(tmp_path, monkeypatch) -> pathlib.Path:
    return make_fake_home(tmp_path, monkeypatch)


@pytest.fixture
def heard():
    return []


@pytest.fixture
def client(home, heard):
    lock = threading.Lock()

    def on_refusal(sandbox: scuff.Sandbox, refusal: scuff.Refusal) -> None:
        with lock:
            heard.append((sandbox, refusal))

    with scuff.Client(control_timeout=2.0, load_timeout=2.0, autosave_interval=None,
                      on_refusal=on_refusal) as client:
        yield client


@pytest.fixture
def group(client):
    return client.create_group(sample_rate=48000, block_size=BLOCK, cycle_timeout=0.2)


@pytest.fixture
def bystander(group, test_plugins):
    return group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)


def refused(group, bystander, test_plugins, monkeypatch, plugin_id, target, **limits) -> scuff.Device:
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(target))
    device = hostile(group, test_plugins, plugin_id, **limits)
    if not enforced(device.sandbox, "files"):
        pytest.skip("no Landlock on this kernel")
    assert attempt(group, device, bystander) != 0
    return device


def test_a_read_of_the_users_own_file_is_reported_with_its_path(group, bystander, test_plugins, monkeypatch,
                                                               home, heard):
    secret = home / ".ssh" / "id_ed25519"
    secret.parent.mkdir()
    secret.write_text("secret\n")
    device = refused(group, bystander, test_plugins, monkeypatch, HOSTILE_READ_ID, secret)
    refusal, = [r for r in device.sandbox.refusals if r.path == str(secret)]
    assert (refusal.operation, refusal.error) == ("read", "ENOENT")
    assert "settings home" in refusal.reason
    wait_until(lambda: any(r == refusal and s is device.sandbox for s, r in heard), what="on_refusal called")


def test_a_write_to_a_read_only_folder_is_reported(group, bystander, test_plugins, monkeypatch):
    target = test_plugins / "planted.txt"
    device = refused(group, bystander, test_plugins, monkeypatch, HOSTILE_WRITE_ID, target)
    refusal, = [r for r in device.sandbox.refusals if r.path == str(target)]
    assert (refusal.operation, refusal.error, refusal.reason) == ("create", "EROFS",
                                                                  "read-only in its file-system view")
    assert not target.exists()


def test_a_landlock_refusal_is_reported(group, bystander, test_plugins, monkeypatch, tmp_path):
    """Without user namespaces (SCUFF_USER_NAMESPACES=0 acts so), Landlock alone refuses."""
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n")
    monkeypatch.setenv("SCUFF_USER_NAMESPACES", "0")
    device = refused(group, bystander, test_plugins, monkeypatch, HOSTILE_READ_ID, secret)
    refusal, = [r for r in device.sandbox.refusals if r.path == str(secret)]
    assert (refusal.operation, refusal.error, refusal.reason) == ("read", "EACCES", "refused by Landlock")


def test_a_refused_system_call_is_listed(group, bystander, test_plugins, monkeypatch):
    device = hostile(group, test_plugins, HOSTILE_FORK_ID)
    if not enforced(device.sandbox, "programs"):
        pytest.skip("no seccomp on this kernel")
    assert attempt(group, device, bystander) == errno.EPERM
    calls = [r for r in device.sandbox.refusals if not r.path]
    assert calls and all(r.reason == "refused by seccomp" and r.error == "EPERM" for r in calls)
    assert {r.operation for r in calls} <= {"clone", "fork", "vfork"}


def test_a_plugin_that_keeps_trying_is_reported_a_few_times_only(group, bystander, test_plugins, monkeypatch,
                                                                  home):
    folder = home / "many"
    folder.mkdir()
    for i in range(1000):
        (folder / str(i)).write_text("x")
    started = time.monotonic()
    device = refused(group, bystander, test_plugins, monkeypatch, HOSTILE_READ_MANY_ID, folder)
    seconds = time.monotonic() - started
    reported = [r for r in device.sandbox.refusals if r.path.startswith(str(folder))]
    # scuff-sbox sends 32 at once, then 8 a second, of the 1,000 refusals: the rate, whatever
    # the machine's speed.
    assert 1 <= len(reported) <= 32 + 8 * math.ceil(seconds + 1)
    assert len({r.path for r in reported}) == len(reported)


def reader() -> ReportReader:
    return ReportReader(scuff.SandboxLimits(), lambda: "a lying sandbox", lambda confinement: None)


@pytest.mark.pure
def test_refusal_lines_a_sandbox_writes_itself_are_bounded():
    lines = reader()
    lines.feed(b"".join(b"refused-file read 13 /etc/shadow%d\n" % i for i in range(10_000)))
    assert len(lines.refusals.latest) == refusal_limits.PER_WINDOW
    assert lines.refusals.reported == 10_000


@pytest.mark.pure
@pytest.mark.parametrize("line", [
    b"refused-file read 13 relative/path", b"refused-file explode 13 /x", b"refused-file read thirteen /x",
    b"refused-file read 13 /x\\x4", b"refused-file read 13 /x\\q41", b"refused-file read 99999 /x",
    b"refused-file read 13 ", b"refused fork; 1", b"refused fork 1e3", b"refused-file-dropped lots",
    b"refused-file read 13 /" + b"a" * 20000,
])
def test_a_malformed_refusal_line_is_dropped(line):
    lines = reader()
    lines.feed(line + b"\n")
    assert list(lines.refusals.latest) == []


@pytest.mark.pure
def test_an_escaped_path_is_read_back():
    lines = reader()
    lines.feed(b"refused-file write 13 /tmp/a\\x20b\\x0ac\n")
    assert [r.path for r in lines.refusals.latest] == ["/tmp/a b\nc"]


def test_inspect_lists_what_the_plugin_was_refused(home, test_plugins, monkeypatch):
    secret = home / ".config" / "other-program" / "token"
    secret.parent.mkdir(parents=True)
    secret.write_text("secret\n")
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, str(secret))
    report = scuff.inspect(test_plugins / HOSTILE_FILE, plugin_id=HOSTILE_READ_ID, seconds=0.2)
    refusal, = [r for r in report.refusals if r.path == str(secret)]
    assert refusal.operation == "read" and f"read {secret}: ENOENT" in report.summary()
    assert {"operation": "read", "path": str(secret), "error": "ENOENT",
            "reason": refusal.reason} in report.to_dict()["refusals"]
    # The command line, finding the plugin by its id among the folders CLAP_PATH names.
    monkeypatch.setenv("CLAP_PATH", str(test_plugins))
    result = subprocess.run([sys.executable, "-m", "scuff", "inspect", HOSTILE_READ_ID, "--seconds", "0.2"],
                            capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert result.returncode == 0, result.stderr
    assert f"read {secret}: ENOENT" in result.stdout
