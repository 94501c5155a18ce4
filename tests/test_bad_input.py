"""Bad input gets a clear ScuffError within seconds, and the sandbox stays usable."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import EMPTY_FILE, PASSTHROUGH_ID, PLUGINS_FILE


@pytest.fixture
def sandbox(group, tmp_path) -> scuff.Sandbox:
    # The bad files are made in tmp_path, which the sandbox must be able to read.
    return group.create_sandbox(limits=scuff.SandboxLimits(allowed_paths=[tmp_path]))


@pytest.fixture
def passthrough(sandbox, test_plugins) -> scuff.Device:
    return sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)


def assert_still_usable(sandbox: scuff.Sandbox, passthrough: scuff.Device) -> None:
    assert sandbox.state == "running"
    x = noise(2, 700)
    np.testing.assert_array_equal(sandbox.group.render({passthrough: x}, passthrough), x)


def test_missing_file(sandbox, passthrough, tmp_path):
    with pytest.raises(scuff.PluginLoadError, match="no such plugin file: .*Missing.clap"):
        sandbox.create_device(tmp_path / "Missing.clap")
    assert_still_usable(sandbox, passthrough)


def test_text_file_that_is_not_a_plugin(sandbox, passthrough, tmp_path):
    fake = tmp_path / "notes.clap"
    fake.write_text("this is not a shared library\n")
    with pytest.raises(scuff.PluginLoadError, match="cannot load .*notes.clap"):
        sandbox.create_device(fake)
    assert_still_usable(sandbox, passthrough)


def test_random_bytes_file(sandbox, passthrough, tmp_path):
    garbage = tmp_path / "garbage.clap"
    garbage.write_bytes(os.urandom(64 * 1024))
    started = time.monotonic()
    with pytest.raises(scuff.PluginLoadError, match="garbage.clap"):
        sandbox.create_device(garbage)
    assert time.monotonic() - started < 5
    assert_still_usable(sandbox, passthrough)


def test_file_without_a_plugin_extension(sandbox, tmp_path):
    other = tmp_path / "plugin.so"
    other.write_bytes(b"\x7fELF")
    with pytest.raises(scuff.PluginLoadError, match=r"not a plugin file \(expected a .clap file or a .vst3 bundle\)"):
        sandbox.create_device(other)


def test_directory_named_like_a_plugin(sandbox, passthrough, tmp_path):
    folder = tmp_path / "Folder.clap"
    folder.mkdir()
    with pytest.raises(scuff.PluginLoadError, match="not a CLAP plugin file"):
        sandbox.create_device(folder)
    assert_still_usable(sandbox, passthrough)


def test_unknown_plugin_id_in_a_file(sandbox, passthrough, test_plugins):
    expected = r"no plugin with id 'org.example.nope'.*org.scuff.test.gain"
    with pytest.raises(scuff.PluginLoadError, match=expected):
        sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id="org.example.nope")
    assert_still_usable(sandbox, passthrough)


def test_file_with_no_plugins(sandbox, passthrough, test_plugins):
    with pytest.raises(scuff.PluginLoadError, match="holds no plugins"):
        sandbox.create_device(test_plugins / EMPTY_FILE)
    assert_still_usable(sandbox, passthrough)


def test_unknown_scanned_id_says_a_scan_may_find_it(sandbox):
    with pytest.raises(scuff.UnknownPluginError, match=r"'com.example.Synth'.*client.scan\(\)"):
        sandbox.create_device("com.example.Synth")


def test_missing_vst3_bundle(sandbox, passthrough, tmp_path):
    with pytest.raises(scuff.PluginLoadError, match="no such plugin file: .*Missing.vst3"):
        sandbox.create_device(tmp_path / "Missing.vst3")
    assert_still_usable(sandbox, passthrough)


def test_vst3_bundle_without_a_binary_for_this_machine(sandbox, passthrough, tmp_path):
    bundle = tmp_path / "Empty.vst3"
    (bundle / "Contents").mkdir(parents=True)
    with pytest.raises(scuff.PluginLoadError, match=r"no x86_64-linux binary in the VST3 bundle .*Empty.vst3"):
        sandbox.create_device(bundle)
    assert_still_usable(sandbox, passthrough)


def test_vst3_bundle_holding_garbage(sandbox, passthrough, tmp_path):
    binary = tmp_path / "Garbage.vst3" / "Contents" / "x86_64-linux" / "Garbage.so"
    binary.parent.mkdir(parents=True)
    binary.write_bytes(os.urandom(64 * 1024))
    with pytest.raises(scuff.PluginLoadError, match="cannot load .*Garbage.vst3"):
        sandbox.create_device(binary.parents[2])
    assert_still_usable(sandbox, passthrough)


@pytest.mark.parametrize("plugin_id, expected", [
    ("0123456789ABCDEF0123456789ABCDEF", "no audio plugin with the class id 0123456789ABCDEF0123456789ABCDEF"),
    ("com.zamaudio.ZamComp", "'com.zamaudio.ZamComp' is not a VST3 class id"),
])
def test_unknown_vst3_class_id(sandbox, passthrough, plugin_id, expected):
    with pytest.raises(scuff.PluginLoadError, match=expected):
        sandbox.create_device("/usr/lib/vst3/ZamComp.vst3", plugin_id=plugin_id)
    assert_still_usable(sandbox, passthrough)


def test_wrong_dtype(sandbox, passthrough):
    with pytest.raises(scuff.AudioFormatError, match="float32, not float64"):
        sandbox.group.render({passthrough: np.zeros((2, 100))}, passthrough)
    assert_still_usable(sandbox, passthrough)


@pytest.mark.parametrize("shape", [(100,), (2, 100, 1), (1, 100), (3, 100)])
def test_wrong_shape(sandbox, passthrough, shape):
    with pytest.raises(scuff.AudioFormatError):
        sandbox.group.render({passthrough: np.zeros(shape, dtype=np.float32)}, passthrough)
    assert_still_usable(sandbox, passthrough)


def test_not_an_array(sandbox, passthrough):
    with pytest.raises(scuff.AudioFormatError, match="numpy array, not list"):
        sandbox.group.render({passthrough: [[0.0] * 10] * 2}, passthrough)  # type: ignore[dict-item]


def test_inputs_of_different_lengths(sandbox, passthrough, test_plugins):
    other = sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    with pytest.raises(scuff.AudioFormatError, match="same number of frames"):
        sandbox.group.render({passthrough: noise(2, 100), other: noise(2, 101)}, passthrough)


def test_missing_port(passthrough):
    with pytest.raises(scuff.AudioFormatError, match="no input 1"):
        passthrough.input(1)
    with pytest.raises(scuff.AudioFormatError, match="no output 3"):
        passthrough.output(3)


def test_input_port_used_as_output(sandbox, passthrough):
    with pytest.raises(scuff.AudioFormatError, match="not an output port"):
        sandbox.group.render({passthrough: noise(2, 10)}, passthrough.input(0))  # type: ignore[arg-type]


def test_device_of_another_group(client, passthrough, test_plugins):
    other_group = client.create_group()
    with pytest.raises(scuff.ScuffError, match="another group"):
        other_group.render({passthrough: noise(2, 10)}, passthrough)


def test_non_contiguous_input_is_accepted(sandbox, passthrough):
    x = noise(4, 1000)[::2]
    np.testing.assert_array_equal(sandbox.group.render({passthrough: x}, passthrough), x)


def test_bad_group_settings(client):
    with pytest.raises(scuff.ScuffError, match="block_size"):
        client.create_group(block_size=0)
    with pytest.raises(scuff.ScuffError, match="sample_rate"):
        client.create_group(sample_rate=-1)
