"""Settings homes: what a plugin writes to its home folder is kept in its vendor's settings
home, and found again after a restart, in a new sandbox and in a new client; another
vendor's plugins do not see it (unless they share a sandbox with it); the homes can be
listed and removed from Python and from the command line. A fake HOME keeps the real
user's files out of every test."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

import scuff
from scuff.confine.settings_homes import home_folder_name
from support.fake_home import make_fake_home, settings_home_of
from support.hostile import BLOCK, attempt, enforced
from support.test_plugins import (
    HOSTILE_FILE,
    HOSTILE_TARGET_VARIABLE,
    KEEP_SETTINGS_FILE,
    KEEP_SETTINGS_ID,
    KEEP_SETTINGS_OTHER_VENDOR_ID,
    PASSTHROUGH_ID,
    PLUGINS_FILE,
)

HOME = "settings home (namespaces)"


@pytest.fixture
def home(tmp_path, monkeypatch) -> pathlib.Path:
    return make_fake_home(tmp_path, monkeypatch)


def new_client() -> scuff.Client:
    return scuff.Client(control_timeout=2.0, load_timeout=2.0, autosave_interval=None)


def keeper(group: scuff.Group, test_plugins: pathlib.Path, plugin_id: str = KEEP_SETTINGS_ID,
           sandbox: scuff.Sandbox | None = None) -> scuff.Device:
    sandbox = sandbox or group.create_sandbox()
    device = sandbox.create_device(test_plugins / HOSTILE_FILE, plugin_id=plugin_id)
    if not enforced(device.sandbox, HOME):
        pytest.skip("no unprivileged user namespaces on this machine")
    return device


def store(group: scuff.Group, device: scuff.Device, bystander: scuff.Device) -> None:
    """The keeper writes its number (the target when its sandbox started) in its first block."""
    assert attempt(group, device, bystander) == 0


@pytest.fixture
def bystander_in(test_plugins):
    def make(group: scuff.Group) -> scuff.Device:
        return group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    return make


def test_a_setting_is_kept_across_a_restart_a_new_sandbox_and_a_new_client(home, test_plugins, monkeypatch,
                                                                           bystander_in):
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, "42")
    with new_client() as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK)
        device = keeper(group, test_plugins)
        assert device.sandbox.settings_vendor == "scuff"
        assert device.get_param("Stored") == -1
        store(group, device, bystander_in(group))
        device.sandbox.restart()
        assert device.get_param("Stored") == 42
        assert keeper(group, test_plugins).get_param("Stored") == 42
    with new_client() as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK)
        assert keeper(group, test_plugins).get_param("Stored") == 42
    assert (settings_home_of("scuff") / KEEP_SETTINGS_FILE).read_text() == "42\n"
    assert not (home / KEEP_SETTINGS_FILE).exists()


def test_another_vendors_plugins_have_a_home_of_their_own(home, test_plugins, monkeypatch, bystander_in):
    with new_client() as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK)
        bystander = bystander_in(group)
        monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, "42")
        store(group, keeper(group, test_plugins), bystander)
        monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, "7")
        other = keeper(group, test_plugins, KEEP_SETTINGS_OTHER_VENDOR_ID)
        assert other.sandbox.settings_vendor == "Other Vendor"
        assert other.get_param("Stored") == -1
        store(group, other, bystander)
        assert keeper(group, test_plugins).get_param("Stored") == 42
        assert keeper(group, test_plugins, KEEP_SETTINGS_OTHER_VENDOR_ID).get_param("Stored") == 7
    assert {h.vendor for h in scuff.settings_homes()} >= {"scuff", "Other Vendor"}


def test_a_sandbox_shows_its_first_devices_vendors_home_to_every_device(home, test_plugins, monkeypatch,
                                                                       bystander_in):
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, "42")
    with new_client() as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK)
        store(group, keeper(group, test_plugins), bystander_in(group))
        sandbox = group.create_sandbox()
        keeper(group, test_plugins, sandbox=sandbox)
        other = keeper(group, test_plugins, KEEP_SETTINGS_OTHER_VENDOR_ID, sandbox=sandbox)
        assert sandbox.settings_vendor == "scuff"
        assert other.get_param("Stored") == 42
        assert str(settings_home_of("scuff")) in sandbox.confinement.enforced[HOME]


def test_an_empty_sandbox_and_the_scanner_have_a_scratch_home(home, test_plugins):
    with new_client() as client:
        sandbox = client.create_group().create_sandbox()
        if not enforced(sandbox, HOME):
            pytest.skip("no unprivileged user namespaces on this machine")
        assert sandbox.settings_vendor is None
        assert "scratch folder in memory" in sandbox.confinement.enforced[HOME]
        client.scan([test_plugins / HOSTILE_FILE], standard_folders=False, use_cache=False)
    assert scuff.settings_homes() == []


def test_settings_homes_are_listed_and_removed(home, test_plugins, monkeypatch, bystander_in):
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, "42")
    with new_client() as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK)
        store(group, keeper(group, test_plugins), bystander_in(group))
    listed = scuff.settings_home("scuff")
    assert listed is not None and listed.path == settings_home_of("scuff") and listed.size_bytes >= 3
    assert listed.modified > 0
    removed = scuff.remove_settings_home("scuff")
    assert removed.path == listed.path and not listed.path.exists()
    assert scuff.settings_home("scuff") is None
    with pytest.raises(scuff.ScuffError, match="no settings home for 'scuff'"):
        scuff.remove_settings_home("scuff")


def run_scuff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scuff", *args], capture_output=True, text=True, timeout=60,
                          env=os.environ.copy())


def test_the_settings_command_lists_and_removes_a_vendors_home(home, test_plugins, monkeypatch, bystander_in):
    assert "no settings homes yet" in run_scuff("settings", "list").stdout
    monkeypatch.setenv(HOSTILE_TARGET_VARIABLE, "42")
    with new_client() as client:
        group = client.create_group(sample_rate=48000, block_size=BLOCK)
        store(group, keeper(group, test_plugins, KEEP_SETTINGS_OTHER_VENDOR_ID), bystander_in(group))
    listing = run_scuff("settings", "list")
    assert listing.returncode == 0 and "Other Vendor" in listing.stdout
    assert str(settings_home_of("Other Vendor")) in listing.stdout
    removal = run_scuff("settings", "remove", "Other Vendor")
    assert removal.returncode == 0 and "removed the settings home of Other Vendor" in removal.stdout
    assert not settings_home_of("Other Vendor").exists()
    missing = run_scuff("settings", "remove", "Nobody")
    assert missing.returncode == 1 and "no settings home for 'Nobody'" in missing.stderr


@pytest.mark.pure
@pytest.mark.parametrize(("vendor", "folder"), [
    ("Damien Zammit", "Damien Zammit"), ("../../etc", "_.._etc"), (".hidden", "hidden"), ("", "unknown vendor"),
    ("a/b\\c\nd", "a_b_c_d"), ("é" * 200, "é" * 100),
])
def test_a_vendors_name_becomes_a_safe_folder_name(vendor, folder):
    assert home_folder_name(vendor) == folder
