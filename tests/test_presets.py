"""Presets stored per plugin in the user's data folder: every zam plugin, CLAP and VST3,
gets its parameters and state back from them."""

from __future__ import annotations

import pytest

import scuff
from scuff.presets import vst3_state
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES
from support.zam_params import away_from_defaults, to_defaults


def plugin_state(state: bytes) -> bytes | tuple[bytes, bytes]:
    """What the plugin itself saved: a VST3 device's state also holds the values the host
    set since (in the order they were set), which need not match byte for byte."""
    if vst3_state.is_vst3_state(state):
        parts = vst3_state.decode(state)
        return parts.component, parts.controller
    return state


ZAM_FILES = [*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES]


@pytest.mark.parametrize("path", ZAM_FILES, ids=[f"{p.stem}-{p.suffix[1:]}" for p in ZAM_FILES])
def test_every_zam_plugin_gets_its_state_and_parameters_back_from_a_preset(group, path):
    device = group.create_sandbox().create_device(path)
    values = away_from_defaults(device)
    state = device.save()
    device.save_preset("warm")
    to_defaults(device)
    assert device.param_values() != values or not values
    device.load_preset("warm")
    assert device.param_values() == pytest.approx(values, rel=1e-6, abs=1e-9)
    assert plugin_state(device.save()) == plugin_state(state)


def test_presets_are_listed_loaded_across_devices_and_deleted(group, private_data_folder):
    sandbox = group.create_sandbox()
    comp = sandbox.create_device("/usr/lib/clap/ZamComp.clap")
    comp.set_param("Threshold", -30.0)
    path = comp.save_preset("Heavy / slow" .replace("/", "-"))
    comp.set_param("Threshold", -10.0)
    comp.save_preset("light")
    assert path.is_relative_to(private_data_folder / "scuff" / "presets")
    assert comp.presets() == ["Heavy - slow", "light"]
    other = sandbox.create_device("/usr/lib/clap/ZamComp.clap")
    assert other.presets() == comp.presets()
    other.load_preset("Heavy - slow")
    assert other.get_param("Threshold") == pytest.approx(-30.0)
    comp.delete_preset("light")
    assert other.presets() == ["Heavy - slow"]
    # Presets belong to one plugin: another plugin has none of them.
    assert sandbox.create_device("/usr/lib/clap/ZamGate.clap").presets() == []


def test_unknown_and_damaged_presets_are_named_and_change_nothing(group, private_data_folder):
    comp = group.create_sandbox().create_device("/usr/lib/clap/ZamComp.clap")
    comp.set_param("Threshold", -12.0)
    with pytest.raises(scuff.PresetNotFoundError, match="no preset 'nothing' for .*stored: none"):
        comp.load_preset("nothing")
    with pytest.raises(scuff.PresetNotFoundError):
        comp.delete_preset("nothing")
    comp.save_preset("broken")
    (file,) = (private_data_folder / "scuff" / "presets").rglob("*.scuffpreset")
    file.write_text(file.read_text()[:40])
    with pytest.raises(scuff.PresetFormatError, match="not JSON"):
        comp.load_preset("broken")
    file.write_text('{"format": "scuff-preset", "version": 3}')
    with pytest.raises(scuff.PresetFormatError, match="preset format 3"):
        comp.load_preset("broken")
    assert comp.get_param("Threshold") == pytest.approx(-12.0)


@pytest.mark.parametrize("name", ["", " padded", "a/b", "tab\there", "."])
def test_a_preset_name_that_cannot_name_a_file_is_refused(group, name):
    comp = group.create_sandbox().create_device("/usr/lib/clap/ZamComp.clap")
    with pytest.raises(scuff.PresetError, match="cannot name a preset"):
        comp.save_preset(name)
    assert comp.presets() == []
