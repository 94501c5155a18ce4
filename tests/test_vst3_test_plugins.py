"""The project's VST3 test plugins load and behave as documented in a real VST3 host (pedalboard, in
process). pedalboard (JUCE) initialises every class of a bundle to load any one of them, so nothing of
the faults bundle, whose classes crash or hang in initialize, is loaded here: only its layout and
module info are checked."""

from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import pytest

from support.signals import noise
from support.test_plugins import (
    GAIN_MAX_DB,
    GAIN_MIN_DB,
    INSTRUMENT_AMPLITUDE,
    LATENCY_SAMPLES,
    TRANSPORT_PROBE_CHANNELS,
    VST3_FAULTS_BUNDLE,
    VST3_FAULTS_BUNDLE_IDS,
    VST3_PLUGINS_BUNDLE,
    VST3_PLUGINS_BUNDLE_IDS,
    VST3_SEPARATE_CONTROLLER_BUNDLE,
    VST3_SEPARATE_CONTROLLER_CONTROLLER_ID,
    VST3_SEPARATE_CONTROLLER_ID,
    VST3_VALIDATION_BUNDLE,
    VST3_VALIDATION_BUNDLE_IDS,
)

pedalboard = pytest.importorskip("pedalboard")
mido = pytest.importorskip("mido")

SAMPLE_RATE = 48000
FRAMES = 4096
# 6 dB as the normalized value the host sends, rounded to float32 as pedalboard keeps it.
SIX_DB_NORMALIZED = float(np.float32((6.0 - GAIN_MIN_DB) / (GAIN_MAX_DB - GAIN_MIN_DB)))


def load(folder: pathlib.Path, bundle: str, name: str | None = None, initialization_timeout: float = 10.0):
    return pedalboard.load_plugin(str(folder / bundle), plugin_name=name, initialization_timeout=initialization_timeout)


def expected_gain(signal: np.ndarray, normalized: float) -> np.ndarray:
    """The gain plugin's own formula: the factor in double, applied in float32."""
    db = GAIN_MIN_DB + normalized * (GAIN_MAX_DB - GAIN_MIN_DB)
    return signal * np.float32(10.0 ** (db / 20.0))


def module_info(folder: pathlib.Path, bundle: str) -> dict:
    return json.loads((folder / bundle / "Contents" / "Resources" / "moduleinfo.json").read_text())


@pytest.mark.parametrize(
    "bundle", [VST3_PLUGINS_BUNDLE, VST3_FAULTS_BUNDLE, VST3_SEPARATE_CONTROLLER_BUNDLE, VST3_VALIDATION_BUNDLE])
def test_bundles_have_the_linux_layout_and_a_valid_module_info(test_plugins, bundle):
    stem = bundle.removesuffix(".vst3")
    assert (test_plugins / bundle / "Contents" / "x86_64-linux" / f"{stem}.so").is_file()
    info = module_info(test_plugins, bundle)
    assert info["Name"] == stem
    assert info["Factory Info"]["Vendor"] == "scuff"
    assert info["Factory Info"]["Flags"]["Unicode"] is True
    for entry in info["Classes"]:
        assert len(entry["CID"]) == 32 and entry["CID"] == entry["CID"].upper()
        assert entry["SDKVersion"].startswith("VST 3")


@pytest.mark.parametrize("bundle", [VST3_PLUGINS_BUNDLE, VST3_SEPARATE_CONTROLLER_BUNDLE])
def test_module_info_lists_the_classes_a_host_finds(test_plugins, bundle):
    classes = module_info(test_plugins, bundle)["Classes"]
    effects = [c["Name"] for c in classes if c["Category"] == "Audio Module Class"]
    assert effects == pedalboard.VST3Plugin.get_plugin_names_for_file(str(test_plugins / bundle))


def test_module_info_class_ids_are_the_documented_ones(test_plugins):
    def ids(bundle):
        return tuple(c["CID"] for c in module_info(test_plugins, bundle)["Classes"])

    assert ids(VST3_PLUGINS_BUNDLE) == VST3_PLUGINS_BUNDLE_IDS
    assert ids(VST3_FAULTS_BUNDLE) == VST3_FAULTS_BUNDLE_IDS
    assert ids(VST3_VALIDATION_BUNDLE) == VST3_VALIDATION_BUNDLE_IDS
    faults = module_info(test_plugins, VST3_FAULTS_BUNDLE)["Classes"]
    assert [c["Name"] for c in faults] == [
        "Test Faulty", "Test Crash In Init", "Test Hang In Init", "Test Crash In Activate", "Test Hang In Activate",
        "Test Leak"]
    assert ids(VST3_SEPARATE_CONTROLLER_BUNDLE) == (
        VST3_SEPARATE_CONTROLLER_ID, VST3_SEPARATE_CONTROLLER_CONTROLLER_ID)


def test_gain_has_one_parameter_in_db_defaulting_to_unity(test_plugins):
    gain = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Gain")
    assert list(gain.parameters) == ["gain_db"]
    parameter = gain.parameters["gain_db"]
    assert (parameter.min_value, parameter.max_value) == (GAIN_MIN_DB, GAIN_MAX_DB)
    assert parameter.label == "dB"
    signal = noise(2, FRAMES)
    assert np.array_equal(gain.process(signal, SAMPLE_RATE), signal)


def test_gain_by_six_db_multiplies_by_its_factor_in_float32(test_plugins):
    gain = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Gain")
    gain.parameters["gain_db"].raw_value = SIX_DB_NORMALIZED
    signal = noise(2, FRAMES)
    out = gain.process(signal, SAMPLE_RATE)
    assert out.dtype == np.float32
    assert np.array_equal(out, expected_gain(signal, SIX_DB_NORMALIZED))
    np.testing.assert_allclose(out, signal * np.float32(10 ** (6 / 20)), rtol=1e-6)


def test_gain_state_round_trips_into_a_new_instance(test_plugins):
    gain = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Gain")
    gain.parameters["gain_db"].raw_value = SIX_DB_NORMALIZED
    # The component state is the processor's, which learns the value in process.
    gain.process(noise(2, 64), SAMPLE_RATE)
    copy = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Gain")
    copy.raw_state = gain.raw_state
    assert copy.parameters["gain_db"].raw_value == pytest.approx(SIX_DB_NORMALIZED)
    signal = noise(2, FRAMES)
    assert np.array_equal(copy.process(signal, SAMPLE_RATE), expected_gain(signal, SIX_DB_NORMALIZED))


@pytest.mark.parametrize("name, channels", [("Test Passthrough", 2), ("Test Mono", 1)])
def test_passthrough_and_mono_copy_their_input(test_plugins, name, channels):
    plugin = load(test_plugins, VST3_PLUGINS_BUNDLE, name)
    assert list(plugin.parameters) == []
    signal = noise(channels, FRAMES)
    assert np.array_equal(plugin.process(signal, SAMPLE_RATE), signal)


def test_latency_reports_64_samples_and_delays_by_exactly_that(test_plugins):
    latency = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Latency")
    signal = noise(2, FRAMES)
    out = latency.process(signal, SAMPLE_RATE, buffer_size=512)
    # pedalboard compensates the reported latency, so the output lines up only if the delay is exactly it.
    assert latency.reported_latency_samples == LATENCY_SAMPLES
    assert np.array_equal(out, signal)


def test_sidechain_passes_its_main_input_when_the_aux_bus_is_silent(test_plugins):
    # pedalboard feeds only the main bus; the aux bus arrives silent or absent, so the sum is the main input.
    sidechain = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Sidechain")
    signal = noise(2, FRAMES)
    assert np.array_equal(sidechain.process(signal, SAMPLE_RATE), signal)


def test_separate_controller_gain_applies_the_gain_and_both_states_round_trip(test_plugins):
    gain = load(test_plugins, VST3_SEPARATE_CONTROLLER_BUNDLE)
    assert list(gain.parameters) == ["gain_db"]
    gain.parameters["gain_db"].raw_value = SIX_DB_NORMALIZED
    signal = noise(2, FRAMES)
    assert np.array_equal(gain.process(signal, SAMPLE_RATE), expected_gain(signal, SIX_DB_NORMALIZED))
    state = gain.raw_state
    # pedalboard keeps both the component's and the controller's state.
    assert b"<IComponent>" in state and b"<IEditController>" in state
    copy = load(test_plugins, VST3_SEPARATE_CONTROLLER_BUNDLE)
    copy.raw_state = state
    # The controller learnt the gain from the component state.
    assert copy.parameters["gain_db"].raw_value == pytest.approx(SIX_DB_NORMALIZED)
    assert np.array_equal(copy.process(signal, SAMPLE_RATE), expected_gain(signal, SIX_DB_NORMALIZED))
    assert copy.raw_state == state


def test_host_callbacks_counts_the_missing_run_loop(test_plugins):
    plugin = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Host Callbacks")
    assert list(plugin.parameters) == [
        "latency_samples", "ping", "rename", "timer_ticks", "fd_events", "peak", "missing_host_interfaces"]
    assert plugin.parameters["latency_samples"].max_value == 4096
    signal = noise(2, FRAMES)
    out = plugin.process(signal, SAMPLE_RATE)
    assert np.array_equal(out, signal)
    # pedalboard's host context offers no IRunLoop: counted, never ticking, not crashing.
    assert round(plugin.parameters["missing_host_interfaces"].raw_value * 1e9) == 1
    assert plugin.parameters["timer_ticks"].raw_value == 0


def test_host_callbacks_latency_parameter_sets_the_delay_at_the_next_activation(test_plugins):
    plugin = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Host Callbacks")
    plugin.parameters["latency_samples"].raw_value = 100 / 4096
    signal = noise(2, FRAMES)
    out = plugin.process(signal, SAMPLE_RATE, buffer_size=512)
    assert plugin.reported_latency_samples == 100
    assert np.array_equal(out, signal)


def expected_instrument(notes, frames: int, volume: float = 1.0, bend: float = 0.0) -> np.ndarray:
    """The instrument's own formula for (on frame, off frame, key, velocity) notes, oldest first: each
    voice in double with its phase accumulated sample by sample, summed, then rounded to float32."""
    out = np.zeros(frames)
    for on, off, key, velocity in notes:
        increment = 2 * math.pi * (440.0 * 2.0 ** ((key - 69 + 2.0 * bend) / 12.0)) / SAMPLE_RATE
        length = min(off, frames) - on
        phase = np.concatenate([[0.0], np.full(length - 1, increment)]).cumsum()
        out[on:on + length] += velocity * INSTRUMENT_AMPLITUDE * volume * np.cos(phase)
    return out.astype(np.float32)


def midi_notes(notes) -> list:
    """mido messages for the notes, pedalboard taking each message's time in seconds from the start."""
    messages = []
    for on, off, key, midi_velocity in notes:
        messages.append(mido.Message("note_on", note=key, velocity=midi_velocity, time=on / SAMPLE_RATE))
        messages.append(mido.Message("note_off", note=key, velocity=0, time=off / SAMPLE_RATE))
    return sorted(messages, key=lambda message: message.time)


@pytest.mark.parametrize("block", [64, 512])
def test_instrument_renders_its_formula_from_the_note_on_frame(test_plugins, block):
    instrument = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Instrument")
    assert instrument.is_instrument
    assert list(instrument.parameters) == ["volume", "pitch_bend"]
    # Notes cross block boundaries, overlap, and one starts at the frame another ends.
    notes = [(100, 1300, 69, 100), (700, 2000, 76, 64), (1300, 3100, 60, 127), (2047, 2600, 72, 1)]
    frames = 3000
    out = instrument(midi_notes(notes), duration=frames / SAMPLE_RATE, sample_rate=SAMPLE_RATE, num_channels=2,
                     buffer_size=block)
    assert out.shape == (2, frames) and out.dtype == np.float32
    # JUCE hands the plugin velocity / 127 in float32.
    expected = expected_instrument(
        [(on, off, key, float(np.float32(velocity / 127))) for on, off, key, velocity in notes], frames)
    assert np.array_equal(out[0], out[1])
    assert not out[0, :100].any()
    assert out[0, 100] == np.float32(float(np.float32(100 / 127)) * INSTRUMENT_AMPLITUDE)
    assert np.array_equal(out[0], expected)


def test_instrument_volume_follows_midi_cc_7_through_its_midi_mapping(test_plugins):
    instrument = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Instrument")
    messages = [mido.Message("control_change", control=7, value=64, time=0.0),
                mido.Message("note_on", note=69, velocity=127, time=100 / SAMPLE_RATE)]
    out = instrument(messages, duration=1000 / SAMPLE_RATE, sample_rate=SAMPLE_RATE, num_channels=2, buffer_size=64)
    assert out[0, 100] == pytest.approx(INSTRUMENT_AMPLITUDE * 64 / 127, rel=1e-6)


def test_transport_probe_has_8_outputs_and_shows_pedalboards_offline_stopped_transport(test_plugins):
    # pedalboard feeds an instrument silence, when it loads it and when it resets it before a
    # render, until its output is silent or this timeout passes: the probe's never is (it writes
    # the transport), so the default of 10 s would be waited out twice.
    probe = load(test_plugins, VST3_PLUGINS_BUNDLE, "Test Transport Probe", initialization_timeout=0.2)
    assert list(probe.parameters) == []
    frames = 1500
    out = probe([], duration=frames / SAMPLE_RATE, sample_rate=SAMPLE_RATE, num_channels=TRANSPORT_PROBE_CHANNELS,
                buffer_size=512)
    assert out.shape == (TRANSPORT_PROBE_CHANNELS, frames)
    # pedalboard's ProcessContext: 120 bpm in 4/4, stopped at 0, no loop; it renders offline.
    tempo, beats, seconds, playing, numerator, denominator, loop_start, offline = out[:, 0].tolist()
    assert (tempo, beats, seconds, playing) == (120.0, 0.0, 0.0, 0.0)
    assert (numerator, denominator, loop_start, offline) == (4.0, 4.0, -1.0, 1.0)
    assert (out == out[:, :1]).all()


@pytest.mark.parametrize("name", ["Test Note Generator", "Test MIDI Effect"])
def test_note_generator_and_midi_effect_are_instantiated_but_pedalboard_needs_audio(test_plugins, name):
    assert name in pedalboard.VST3Plugin.get_plugin_names_for_file(str(test_plugins / VST3_PLUGINS_BUNDLE))
    # pedalboard refuses a plugin without audio buses only after JUCE has created and queried it.
    with pytest.raises(ValueError, match="does not produce audio output"):
        load(test_plugins, VST3_PLUGINS_BUNDLE, name)
