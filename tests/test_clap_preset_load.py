"""CLAP presets in the plugin's own format: files and built-in presets loaded through the
plugin's clap.preset-load extension, the reason it gives when it fails, and what happens
when it lacks the extension or crashes while loading."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from scuff.cli import main
from support.signals import noise
from support.test_plugins import (
    DRAFT_PRESET_GAIN_ID,
    GAIN_ID,
    PLUGINS_FILE,
    PRESET_BUILT_INS,
    PRESET_FILE_MAGIC,
    PRESET_GAIN_ID,
    PRESETS_FILE,
    VST3_GAIN_ID,
    VST3_PLUGINS_BUNDLE,
)

FRAMES = 4 * 512


def preset_file(folder, name: str, gain_db: float):
    path = folder / name
    path.write_text(f"{PRESET_FILE_MAGIC}\ngain={gain_db!r}\n")
    return path


def gain_of(db: float) -> float:
    return 10 ** (db / 20)


@pytest.fixture
def preset_gain(group, test_plugins):
    return group.create_sandbox().create_device(test_plugins / PRESETS_FILE, plugin_id=PRESET_GAIN_ID)


def test_a_preset_file_sets_the_parameter_and_the_render_follows(group, preset_gain, tmp_path):
    x = noise(2, FRAMES)
    np.testing.assert_array_equal(group.render({preset_gain: x}, preset_gain), x)
    assert preset_gain.has_preset_load
    preset_gain.load_preset(preset_file(tmp_path, "Quieter.gainpreset", -20.0))
    assert preset_gain.get_param("Gain") == -20.0
    y = group.render({preset_gain: x}, preset_gain)
    np.testing.assert_allclose(y, x * gain_of(-20.0), rtol=1e-6)


def test_the_parameters_the_client_shows_follow_the_preset(preset_gain, tmp_path):
    preset_gain.load_clap_preset(preset_file(tmp_path, "loud", 6.5))
    assert preset_gain.param_values()[preset_gain.param("Gain").id] == 6.5


@pytest.mark.parametrize("load_key", sorted(PRESET_BUILT_INS))
def test_a_built_in_preset_is_loaded_by_its_load_key(preset_gain, load_key):
    preset_gain.set_param("Gain", -3.0)
    preset_gain.load_clap_preset(load_key=load_key, kind="plugin")
    assert preset_gain.get_param("Gain") == PRESET_BUILT_INS[load_key]


def test_a_plugin_answering_to_the_draft_extension_id_loads_presets_too(group, test_plugins, tmp_path):
    device = group.create_sandbox().create_device(test_plugins / PRESETS_FILE, plugin_id=DRAFT_PRESET_GAIN_ID)
    assert device.has_preset_load
    device.load_preset(preset_file(tmp_path, "draft", -6.0))
    assert device.get_param("Gain") == -6.0


def test_a_bad_preset_file_raises_the_plugins_own_reason_and_changes_nothing(preset_gain, tmp_path):
    preset_gain.set_param("Gain", -3.0)
    bad = tmp_path / "damaged.gainpreset"
    bad.write_text("not a preset\n")
    with pytest.raises(scuff.PresetError, match=r"damaged\.gainpreset is not a Test Preset Gain preset"):
        preset_gain.load_preset(bad)
    out_of_range = preset_file(tmp_path, "too-loud", 99.0)
    with pytest.raises(scuff.PresetError, match="too-loud is not a Test Preset Gain preset"):
        preset_gain.load_clap_preset(out_of_range)
    assert preset_gain.get_param("Gain") == -3.0
    assert preset_gain.sandbox.state == "running"


def test_an_unknown_built_in_preset_raises_the_plugins_reason(preset_gain):
    with pytest.raises(scuff.PresetError, match="no built-in preset 'nope'"):
        preset_gain.load_clap_preset(load_key="nope", kind="plugin")


def test_a_missing_preset_file_is_named_before_the_plugin_is_asked(preset_gain, tmp_path):
    with pytest.raises(scuff.PresetError, match=f"no preset file {tmp_path}/absent"):
        preset_gain.load_clap_preset(tmp_path / "absent")
    with pytest.raises(scuff.PresetError, match="is not a preset file"):
        preset_gain.load_clap_preset(tmp_path)


def test_a_location_and_kind_that_do_not_fit_are_refused(preset_gain, tmp_path):
    with pytest.raises(scuff.PresetError, match="has no location"):
        preset_gain.load_clap_preset(tmp_path / "x", load_key="quiet", kind="plugin")
    with pytest.raises(scuff.PresetError, match="named by its load_key"):
        preset_gain.load_clap_preset(kind="plugin")
    with pytest.raises(scuff.PresetError, match='"file" or "plugin"'):
        preset_gain.load_clap_preset(tmp_path / "x", kind="uri")  # type: ignore[arg-type]


def test_a_plugin_without_preset_load_raises_a_clear_error(group, test_plugins, tmp_path):
    sandbox = group.create_sandbox()
    gain = sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID)
    assert not gain.has_preset_load
    offers_none = r"Test Gain \(org\.scuff\.test\.gain\) does not offer clap\.preset-load"
    with pytest.raises(scuff.PresetError, match=offers_none):
        gain.load_preset(preset_file(tmp_path, "any", -20.0))
    with pytest.raises(scuff.PresetError, match="does not offer clap.preset-load"):
        gain.load_clap_preset(load_key="quiet", kind="plugin")
    vst3 = sandbox.create_device(test_plugins / VST3_PLUGINS_BUNDLE, plugin_id=VST3_GAIN_ID)
    assert not vst3.has_preset_load
    with pytest.raises(scuff.PresetError, match="it is a VST3 plugin"):
        vst3.load_clap_preset(preset_file(tmp_path, "any", -20.0))
    assert gain.get_param("Gain") == 0.0


def test_a_restart_restores_the_loaded_preset(preset_gain, tmp_path):
    preset_gain.load_preset(preset_file(tmp_path, "p", -12.0))
    preset_gain.sandbox.restart()
    assert preset_gain.get_param("Gain") == -12.0


def test_a_plugin_crashing_in_from_location_crashes_only_its_sandbox(group, preset_gain, test_plugins, tmp_path):
    bystander = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID)
    preset_gain.load_preset(preset_file(tmp_path, "before", -12.0))
    with pytest.raises(scuff.SandboxCrashedError, match="SIGSEGV"):
        preset_gain.load_clap_preset(load_key="crash", kind="plugin")
    assert preset_gain.sandbox.state == "crashed"
    x = noise(2, FRAMES)
    np.testing.assert_array_equal(group.render({bystander: x}, bystander), x)
    preset_gain.sandbox.restart()
    assert preset_gain.get_param("Gain") == -12.0
    preset_gain.load_clap_preset(load_key="quiet", kind="plugin")
    assert preset_gain.get_param("Gain") == -20.0


def test_a_clap_plugins_own_preset_file_is_imported_from_the_command_line(capsys, test_plugins, tmp_path):
    plugin = str(test_plugins / PRESETS_FILE)
    assert main(["preset", "import", plugin, str(preset_file(tmp_path, "cli", -9.0)), "nine"]) == 0
    assert main(["preset", "load", plugin, "nine"]) == 0
    assert "Gain: -9.00 dB" in capsys.readouterr().out


def test_preset_discovery_lists_the_factory_files_and_built_in_presets_of_the_plugin(preset_gain, test_plugins):
    folder = test_plugins / "scuff-test-presets"
    listed = {(p.name, p.kind, p.location, p.load_key) for p in preset_gain.clap_presets()}
    # The folder's README.txt is not of the declared file type; "Other plugin's" names another plugin.
    assert listed == {
        ("Bright", "file", str(folder / "Bright.gainpreset"), None),
        ("Dark", "file", str(folder / "Dark.gainpreset"), None),
        ("Unity", "plugin", None, "unity"),
        ("Quiet", "plugin", None, "quiet"),
        ("Loud", "plugin", None, "loud"),
    }


def test_a_listed_preset_loads_from_where_it_was_found(preset_gain):
    presets = {p.name: p for p in preset_gain.clap_presets()}
    preset_gain.load_clap_preset(presets["Bright"])
    assert preset_gain.get_param("Gain") == 6.0
    preset_gain.load_clap_preset(presets["Quiet"])
    assert preset_gain.get_param("Gain") == -20.0


def test_presets_listed_for_another_plugin_of_the_file_are_left_out(group, test_plugins):
    draft = group.create_sandbox().create_device(test_plugins / PRESETS_FILE, plugin_id=DRAFT_PRESET_GAIN_ID)
    assert draft.clap_presets() == []


def test_a_plugin_file_without_preset_discovery_lists_no_presets(group, test_plugins):
    gain = group.create_sandbox().create_device(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID)
    assert gain.clap_presets() == []
    with pytest.raises(scuff.PresetError, match="does not offer clap.preset-load"):
        gain.load_clap_preset(scuff.ClapPreset("Quiet", "plugin", None, "quiet"))
