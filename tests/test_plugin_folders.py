"""Any plugin in any sandbox, in any order: a confined sandbox whose process may not read a
new plugin's folder moves to one that may, its devices restored with their state and
connections, and no other sandbox notices."""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pytest

import scuff
from support.reported_values import reported
from support.signals import noise
from support.test_plugins import GAIN_ID, PLUGINS_FILE, VST3_GAIN_ID, VST3_PLUGINS_BUNDLE
from support.waiting import wait_until

BLOCK = 128
GAINS_DB = (-3.0, -6.0, -9.0)


@pytest.fixture
def folders(tmp_path, test_plugins):
    """Three plugin folders of their own, as (plugin path, plugin id, the folder a sandbox must
    read): the CLAP gain in two, the VST3 gain bundle (its own folder) in a third."""
    plugins = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        plugins.append((shutil.copy(test_plugins / PLUGINS_FILE, tmp_path / name), GAIN_ID, tmp_path / name))
    bundle = shutil.copytree(test_plugins / VST3_PLUGINS_BUNDLE, tmp_path / "c" / VST3_PLUGINS_BUNDLE)
    plugins.append((bundle, VST3_GAIN_ID, bundle))
    return plugins


@pytest.fixture
def events():
    return []


@pytest.fixture
def client(events):
    with scuff.Client(on_sandbox_state=events.append) as client:
        yield client


def chain(sandbox: scuff.Sandbox, plugins, order) -> list[scuff.Device]:
    """Creates the plugins in `order`, each set to its own gain and connected after the last."""
    devices = []
    for index in order:
        path, plugin_id, _ = plugins[index]
        device = sandbox.create_device(path, plugin_id=plugin_id)
        device.set_param("Gain", GAINS_DB[index])
        if devices:
            sandbox.group.connect(devices[-1].output(0), device.input(0))
        devices.append(device)
    return devices


@pytest.mark.parametrize("order", list(itertools.permutations(range(3)))[::2])
def test_devices_from_three_folders_share_a_sandbox_in_any_order(client, events, folders, order):
    group = client.create_group(sample_rate=48000, block_size=BLOCK)
    bystander = group.create_sandbox()
    bystander_pid = bystander.pid
    sandbox = group.create_sandbox()
    devices = chain(sandbox, folders, order)
    assert {d.path for d in devices} == {str(path) for path, _, _ in folders}
    for device, index in zip(devices, order, strict=True):
        assert device.get_param("Gain") == reported(GAINS_DB[index], device)
    assert len(group.connections) == 2

    # The same chain in a sandbox that may read all three folders from its start.
    reference_group = client.create_group(sample_rate=48000, block_size=BLOCK)
    allowed = scuff.SandboxLimits(allowed_paths=[folder for _, _, folder in folders])
    reference = chain(reference_group.create_sandbox(limits=allowed), folders, order)
    x = noise(devices[0].inputs[0], 16 * BLOCK)
    y = group.render({devices[0]: x}, devices[-1])
    assert np.abs(y).max() > 0.01
    np.testing.assert_array_equal(y, reference_group.render({reference[0]: x}, reference[-1]))

    # Two moves (the first device went into an empty sandbox, which was simply replaced),
    # each announced with the folder it was for; the other sandbox never noticed.
    heard = lambda: [(e.state, e.detail) for e in list(events) if e.sandbox is sandbox]  # noqa: E731
    wait_until(lambda: heard()[-1:] == [("running", "")], what="the last move being heard")
    moves = [detail for state, detail in heard() if state == "starting"]
    assert moves == [f"restarting to read {folders[i][2]}" for i in order[1:]], heard()
    assert bystander.pid == bystander_pid and bystander.state == "running"
    assert [e.state for e in list(events) if e.sandbox is bystander] == ["running"]


def test_a_device_whose_state_cannot_be_saved_keeps_the_sandbox_where_it_is(client, folders, monkeypatch):
    group = client.create_group(sample_rate=48000, block_size=BLOCK)
    sandbox = group.create_sandbox()
    first = sandbox.create_device(folders[0][0], plugin_id=folders[0][1])
    pid = sandbox.pid

    def refuse(self):
        raise scuff.StateError("the plugin refused to save")

    monkeypatch.setattr(scuff.Device, "save", refuse)
    with pytest.raises(scuff.PluginLoadError, match="could not be saved .*refused to save"):
        sandbox.create_device(folders[1][0], plugin_id=folders[1][1])
    assert sandbox.pid == pid and sandbox.state == "running" and sandbox.devices == [first]
