"""Parameters reach the plugin as events; states move between devices intact."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.reported_values import reported
from support.signals import noise
from support.test_plugins import FAULTY_ID, GAIN_ID


@pytest.fixture
def gain(group, make) -> scuff.Device:
    return make(group.create_sandbox(), GAIN_ID)


def test_params_describe_the_plugin(gain):
    (param,) = gain.params
    assert (param.id, param.name, param.min, param.max, param.default) == (0, "Gain", -60.0, 24.0, 0.0)
    assert param.is_automatable and not param.is_readonly


def test_set_param_is_read_back_by_name_and_by_id(gain):
    gain.set_param("Gain", -12.5)
    assert gain.get_param("Gain") == -12.5
    gain.set_param(0, 3.0)
    assert gain.get_param(0) == 3.0
    gain.set_param("gain", 1.5)  # names match ignoring case when nothing matches exactly
    assert gain.get_param(gain.params[0]) == 1.5


def test_set_param_between_renders_applies_from_the_next_block(group, gain):
    x = noise(2, 1024)
    before = group.render({gain: x}, gain)
    gain.set_param("Gain", -20.0)
    after = group.render({gain: x}, gain)
    np.testing.assert_array_equal(before, x)
    np.testing.assert_allclose(after, x * np.float32(0.1), rtol=1e-6)


def test_state_moves_to_a_device_in_another_sandbox(group, gain, make):
    gain.set_param("Gain", -7.25)
    state = gain.save()
    other = make(group.create_sandbox(), GAIN_ID)
    assert other.get_param("Gain") == reported(0.0, other)
    other.load(state)
    assert other.get_param("Gain") == reported(-7.25, other)
    x = noise(2, 4096)
    a, b = group.render({gain: x, other: x}, [gain, other])
    np.testing.assert_array_equal(a, b)


def test_state_of_a_plugin_without_state_extension_is_its_parameter_values(client):
    """ZamComp has no CLAP state extension: its parameters still travel with save/load."""
    group = client.create_group(sample_rate=48000, block_size=256)
    comp = group.create_sandbox().create_device("/usr/lib/clap/ZamComp.clap")
    comp.set_param("Threshold", -30.0)
    comp.set_param("Ratio", 8.0)
    comp.set_param("Makeup", 6.0)
    copy = group.create_sandbox().create_device("/usr/lib/clap/ZamComp.clap")
    copy.load(comp.save())
    for param in comp.params:
        if not param.is_readonly:
            assert copy.get_param(param.id) == comp.get_param(param.id), param.name
    x = noise(1, 48000, level=0.9)
    a, b = group.render({comp.input(0): x, copy.input(0): x}, [comp.output(0), copy.output(0)])
    assert np.abs(a - x).max() > 0.01  # the compressor acted
    np.testing.assert_array_equal(a, b)


def test_unknown_param_name_is_a_clear_error(gain):
    with pytest.raises(scuff.ParamError, match=r"no parameter 'Volume'.*'Gain'"):
        gain.set_param("Volume", 1.0)
    with pytest.raises(scuff.ParamError, match="no parameter 7"):
        gain.get_param(7)


@pytest.mark.parametrize("value", [24.5, -60.001, float("nan"), float("inf")])
def test_value_outside_the_range_is_refused(gain, value):
    with pytest.raises(scuff.ParamError, match="outside the range of 'Gain'"):
        gain.set_param("Gain", value)
    assert gain.get_param("Gain") == reported(0.0, gain)


def test_malformed_state_is_refused_and_the_device_keeps_its_own(gain):
    gain.set_param("Gain", -3.0)
    for bad in [b"", b"garbage", gain.save()[:-1], b"\xff" * 16]:
        with pytest.raises(scuff.StateError):
            gain.load(bad)
    assert gain.get_param("Gain") == reported(-3.0, gain)


def test_state_of_another_plugin_is_refused(client, gain, plugin_format):
    comp = client.create_group().create_sandbox().create_device("/usr/lib/clap/ZamComp.clap")
    with pytest.raises(scuff.StateError):
        gain.load(comp.save())
    why = "parameter values" if plugin_format == "clap" else "the state of a VST3 plugin; a CLAP plugin cannot load it"
    with pytest.raises(scuff.StateError, match=why):
        comp.load(gain.save())


def test_state_must_be_bytes(gain):
    with pytest.raises(scuff.StateError, match="bytes, not str"):
        gain.load("state")  # type: ignore[arg-type]


def test_params_not_in_the_state_keep_their_values(group, make):
    """The faulty plugin's Fault parameter is not part of its state."""
    faulty = make(group.create_sandbox(), FAULTY_ID)
    faulty.set_param("Gain", -9.0)
    state = faulty.save()
    faulty.set_param("Gain", 0.0)
    faulty.load(state)
    assert faulty.get_param("Gain") == reported(-9.0, faulty)
    assert faulty.get_param("Fault") == reported(0.0, faulty)


def test_scheduled_param_change_lands_on_its_exact_frame(group, gain):
    gain.schedule_param("Gain", -20.0, frame=100)
    block = noise(2, 300)
    y = group.process({gain: block}, gain)
    np.testing.assert_array_equal(y[:, :100], block[:, :100])
    np.testing.assert_allclose(y[:, 100:], block[:, 100:] * np.float32(0.1), rtol=1e-6)
    assert gain.get_param("Gain") == -20.0


def test_scheduled_frame_must_lie_within_a_block(gain):
    with pytest.raises(scuff.ParamError, match="within the block"):
        gain.schedule_param("Gain", -1.0, frame=512)
