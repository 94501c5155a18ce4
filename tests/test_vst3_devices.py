"""VST3 devices as a user meets them: plugins whose controller is a class of its own, the
ports and note ports a device reports, and states that travel between formats."""

from __future__ import annotations

import struct

import numpy as np
import pytest

import scuff
from support.reported_values import reported
from support.signals import noise
from support.test_plugins import (
    INSTRUMENT_ID,
    PLUGINS_FILE,
    VST3_PLUGINS_BUNDLE,
    VST3_PLUGINS_BUNDLE_IDS,
    VST3_SEPARATE_CONTROLLER_BUNDLE,
    VST3_SEPARATE_CONTROLLER_ID,
)
from support.zam import ZAM_VST3_BUNDLES


@pytest.fixture
def separate(group, test_plugins) -> scuff.Device:
    return group.create_sandbox().create_device(test_plugins / VST3_SEPARATE_CONTROLLER_BUNDLE,
                                                plugin_id=VST3_SEPARATE_CONTROLLER_ID)


def vst3_state_parts(state: bytes) -> tuple[bytes, bytes, dict[int, float]]:
    """The component's and the controller's state inside a VST3 device's state, and the
    parameter values that travel beside them."""
    assert state[:8] == b"SCUFFV3S" and struct.unpack_from("<I", state, 8)[0] == 2
    (size,) = struct.unpack_from("<Q", state, 12)
    component = state[20:20 + size]
    (controller_size,) = struct.unpack_from("<Q", state, 20 + size)
    controller = state[28 + size:28 + size + controller_size]
    values_at = 28 + size + controller_size
    (count,) = struct.unpack_from("<Q", state, values_at)
    values = dict(struct.iter_unpack("<Id", state[values_at + 8:]))
    assert len(values) == count and values_at + 8 + 12 * count == len(state)
    return component, controller, values


def test_a_plugin_with_a_separate_controller_is_played_and_keeps_both_states(group, separate, test_plugins):
    (param,) = separate.params
    assert (param.name, param.min, param.max) == ("Gain", -60.0, 24.0)
    separate.set_param("Gain", -6.0)
    assert separate.get_param("Gain") == -6.0
    x = noise(2, 2048)
    np.testing.assert_allclose(group.render({separate: x}, separate), x * np.float32(10 ** (-6 / 20)), rtol=1e-6)
    state = separate.save()
    component, controller, values = vst3_state_parts(state)
    assert component and controller  # the controller saved a state of its own
    assert values == {0: -6.0}  # the value the host set, exactly, beside the component's
    other = group.create_sandbox().create_device(test_plugins / VST3_SEPARATE_CONTROLLER_BUNDLE,
                                                 plugin_id=VST3_SEPARATE_CONTROLLER_ID)
    other.load(state)
    # The controller learned the gain from the component's state.
    assert other.get_param("Gain") == reported(-6.0, other)
    a, b = group.render({separate: x, other: x}, [separate, other])
    np.testing.assert_array_equal(a, b)


def test_a_corrupt_vst3_state_is_refused_and_the_device_keeps_its_own(separate):
    separate.set_param("Gain", -3.0)
    state = separate.save()
    for bad in [state[:-1], state[:8] + b"\x07" + state[9:], b"SCUFFV3S", state + b"\x00"]:
        with pytest.raises(scuff.StateError, match="not the state of a VST3 plugin"):
            separate.load(bad)
    assert separate.get_param("Gain") == -3.0


def test_ports_and_note_ports_agree_with_the_scanner(client, test_plugins):
    bundles = [test_plugins / VST3_PLUGINS_BUNDLE, *ZAM_VST3_BUNDLES]
    scanned = client.scan(bundles, standard_folders=False, load_modules=True)
    sandbox = client.create_group().create_sandbox()
    checked = 0
    for info in scanned:
        if info.path == str(test_plugins / VST3_PLUGINS_BUNDLE) and info.id not in VST3_PLUGINS_BUNDLE_IDS:
            continue
        device = sandbox.create_device(info)
        assert tuple(device.inputs) == info.audio_inputs and tuple(device.outputs) == info.audio_outputs, info.name
        assert (device.note_inputs, device.note_outputs) == (info.note_inputs, info.note_outputs), info.name
        sandbox.remove_device(device)
        checked += 1
    assert checked == len(VST3_PLUGINS_BUNDLE_IDS) + len(ZAM_VST3_BUNDLES)
    instrument = sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=INSTRUMENT_ID)
    assert (instrument.note_inputs, instrument.inputs) == (1, [])
