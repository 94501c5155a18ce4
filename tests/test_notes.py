"""Notes into instruments, sample-accurate, in both formats; notes between devices inside a
sandbox and across sandboxes; the host reading what a plugin outputs; panic."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.test_plugins import (
    INSTRUMENT_AMPLITUDE,
    INSTRUMENT_ID,
    MIDI_EFFECT_ID,
    NOTE_GENERATOR_ID,
    VST3_INSTRUMENT_ID,
    VST3_PLUGINS_BUNDLE,
)

SAMPLE_RATE = 48000


def voice(key: int, velocity: float, frames: int, volume: float = 1.0) -> np.ndarray:
    """One voice of the test instrument from its note-on frame on, as its spec computes it:
    the phase accumulated in double, the sample rounded once to float32."""
    increment = 2 * np.pi * 440.0 * 2 ** ((key - 69) / 12) / SAMPLE_RATE
    phases = np.concatenate([[0.0], np.cumsum(np.full(frames - 1, increment))]) if frames else np.zeros(0)
    return (velocity * INSTRUMENT_AMPLITUDE * volume * np.cos(phases)).astype(np.float32)


def expected_note(total: int, on: int, off: int | None, key: int, velocity: float) -> np.ndarray:
    y = np.zeros(total, np.float32)
    end = total if off is None else off
    y[on:end] = voice(key, velocity, end - on)
    return y


@pytest.mark.parametrize("block_size", [16, 64, 100, 512, 1024])
def test_a_note_sounds_from_its_exact_frame_to_its_end(client, make, block_size):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block_size)
    synth = make(group.create_sandbox(), INSTRUMENT_ID)
    total = 5 * block_size + 37
    # Frames chosen to fall at a block's first and last frame and in between, and to cross blocks.
    for on, off in [(0, block_size - 1), (block_size - 1, 3 * block_size), (2 * block_size + 5, total - 1)]:
        y = group.render({}, synth.output(0), frames=total,
                         events={synth: [scuff.NoteOn(on, 69, 0.75), scuff.NoteOff(off, 69)]})
        assert y.shape == (2, total)
        np.testing.assert_array_equal(y[0], y[1])
        assert not y[0, :on].any() and not y[0, off:].any()
        assert y[0, on] == np.float32(0.75 * INSTRUMENT_AMPLITUDE)
        np.testing.assert_allclose(y[0], expected_note(total, on, off, 69, 0.75), rtol=0, atol=2e-7)


def test_the_clap_and_vst3_builds_give_the_same_samples(client, test_plugins):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=128)
    sandbox = group.create_sandbox()
    clap = sandbox.create_device(test_plugins / "scuff-test-plugins.clap", plugin_id=INSTRUMENT_ID)
    vst3 = group.create_sandbox().create_device(test_plugins / VST3_PLUGINS_BUNDLE, plugin_id=VST3_INSTRUMENT_ID)
    notes = [scuff.NoteOn(10, 60, 0.5), scuff.NoteOn(300, 64, 1.0, channel=3), scuff.NoteOff(900, 60),
             scuff.Midi(950, b"\xb0\x07\x40"), scuff.NoteOff(1500, 64, channel=3), scuff.NoteOn(1500, 67, 0.25),
             scuff.Midi(1700, b"\xe0\x00\x50"), scuff.NoteChoke(2000, 67)]
    a, b = group.render({}, [clap.output(0), vst3.output(0)], frames=2500, events={clap: notes, vst3: notes})
    assert np.abs(a).max() > 0.1
    np.testing.assert_array_equal(a, b)


def test_a_vst3_instrument_equals_pedalboard_playing_the_same_midi(client, test_plugins):
    pedalboard = pytest.importorskip("pedalboard")
    mido = pytest.importorskip("mido")
    bundle = test_plugins / VST3_PLUGINS_BUNDLE
    # Frames that are whole multiples of 375 are exact binary fractions of a second at 48 kHz.
    messages = [mido.Message("note_on", note=69, velocity=100, time=375 * 5 / SAMPLE_RATE),
                mido.Message("note_on", note=76, velocity=64, time=375 * 9 / SAMPLE_RATE),
                mido.Message("note_off", note=69, velocity=0, time=375 * 40 / SAMPLE_RATE),
                mido.Message("note_off", note=76, velocity=0, time=375 * 70 / SAMPLE_RATE)]
    total = 375 * 80
    events = [scuff.NoteOn(375 * 5, 69, 100 / 127), scuff.NoteOn(375 * 9, 76, 64 / 127),
              scuff.NoteOff(375 * 40, 69), scuff.NoteOff(375 * 70, 76)]
    for block_size in (64, 512):
        oracle = pedalboard.load_plugin(str(bundle), plugin_name="Test Instrument")
        z = oracle(messages, duration=total / SAMPLE_RATE, sample_rate=SAMPLE_RATE, num_channels=2,
                   buffer_size=block_size)
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block_size)
        synth = group.create_sandbox().create_device(bundle, plugin_id=VST3_INSTRUMENT_ID)
        y = group.render({}, synth.output(0), frames=total, events={synth: events})
        assert np.abs(z).max() > 0.1
        np.testing.assert_array_equal(y, z)


def generated_notes(total: int, interval: int = 1000, length: int = 500, key: int = 60,
                    velocity: float = 0.8) -> list[scuff.Event]:
    """What the note generator outputs in `total` frames, by its spec. Velocities travel as
    float32."""
    velocity = float(np.float32(velocity))
    events: list[scuff.Event] = []
    for index, start in enumerate(range(0, total, interval)):
        events.append(scuff.NoteOn(start, key, velocity, 0, index))
        if length < interval and start + length < total:
            events.append(scuff.NoteOff(start + length, key, 0.0, 0, index))
    return events


@pytest.mark.parametrize("across", [False, True], ids=["same-sandbox", "across-sandboxes"])
def test_a_generator_plays_an_instrument_as_the_model_says(client, make, across):
    block = 256
    total = 40 * block
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block)
    home = group.create_sandbox()
    generator = make(home, NOTE_GENERATOR_ID)
    synth = make(group.create_sandbox() if across else home, INSTRUMENT_ID)
    group.connect(generator.note_output(0), synth.note_input(0))
    y = group.render({}, synth.output(0), frames=total)
    # The model: the same notes given to a fresh instrument by the host, one block later
    # when they cross sandboxes.
    notes = generated_notes(total)
    assert [e for _, e in generator.output_events] == notes
    reference_group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block)
    reference = make(reference_group.create_sandbox(), INSTRUMENT_ID)
    late = block if across else 0
    shifted = [type(e)(e.frame + late, e.key, e.velocity, e.channel, e.note_id)
               for e in notes if e.frame + late < total]
    expected = reference_group.render({}, reference.output(0), frames=total, events={reference: shifted})
    assert np.abs(expected).max() > 0.1
    np.testing.assert_array_equal(y, expected)
    assert group.path_latencies(generator.note_output(0), synth.output(0)) == [late]


@pytest.mark.parametrize("across", [False, True], ids=["same-sandbox", "across-sandboxes"])
def test_a_midi_effect_between_generator_and_instrument_transposes_every_note(client, make, across):
    block = 128
    total = 30 * block
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block)
    home = group.create_sandbox()
    generator, effect = make(home, NOTE_GENERATOR_ID), make(home, MIDI_EFFECT_ID)
    synth = make(group.create_sandbox() if across else home, INSTRUMENT_ID)
    group.connect(generator.note_output(0), effect.note_input(0))
    group.connect(effect.note_output(0), synth.note_input(0))
    y = group.render({}, synth.output(0), frames=total)
    late = block if across else 0
    transposed = [e for _, e in effect.output_events]
    # The CLAP effect prefers MIDI, so the host hands it MIDI; its notes then have no id.
    assert [(type(e), e.frame, e.key) for e in transposed] == [
        (type(e), e.frame, e.key + 12) for e in generated_notes(total)]
    reference_group = client.create_group(sample_rate=SAMPLE_RATE, block_size=block)
    reference = make(reference_group.create_sandbox(), INSTRUMENT_ID)
    shifted = [type(e)(e.frame + late, e.key, e.velocity, e.channel, e.note_id) for e in transposed
               if e.frame + late < total]
    np.testing.assert_array_equal(y, reference_group.render({}, reference.output(0), frames=total,
                                                            events={reference: shifted}))


def test_events_given_within_a_block_by_process(client, make):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=64)
    synth = make(group.create_sandbox(), INSTRUMENT_ID)
    first = group.process({}, synth.output(0), frames=64, events={synth: [scuff.NoteOn(40, 69, 1.0)]})
    second = group.process({}, synth.output(0), frames=64, events={synth.note_input(0): [scuff.NoteOff(3, 69)]})
    assert not first[0, :40].any() and first[0, 40] == np.float32(INSTRUMENT_AMPLITUDE)
    assert second[0, :3].all() and not second[0, 3:].any()


def test_panic_silences_held_notes_at_the_next_block(client, make):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=64)
    synths = [make(group.create_sandbox(), INSTRUMENT_ID) for _ in range(2)]
    held = {synth: [scuff.NoteOn(0, 60 + i), scuff.NoteOn(10, 72, channel=5)] for i, synth in enumerate(synths)}
    sounding = group.process({}, [s.output(0) for s in synths], frames=64, events=held)
    assert all(np.abs(y).max() > 0.1 for y in sounding)
    still = group.process({}, [s.output(0) for s in synths], frames=64)
    assert all(np.abs(y).max() > 0.1 for y in still)
    group.panic()
    silenced = group.process({}, [s.output(0) for s in synths], frames=64)
    assert not any(y.any() for y in silenced)


def test_a_midi_file_plays_an_instrument_as_its_events_do(client, make, tmp_path):
    mido = pytest.importorskip("mido")
    song = mido.MidiFile(ticks_per_beat=96)
    track = mido.MidiTrack()
    song.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=250_000, time=0))  # 240 bpm: a beat is 12000 frames
    for note, delta in [(60, 0), (64, 48), (67, 48)]:
        track.append(mido.Message("note_on", note=note, velocity=90, time=delta))
    track.append(mido.Message("control_change", control=7, value=100, time=24))
    for note, delta in [(60, 24), (64, 0), (67, 0)]:
        track.append(mido.Message("note_off", note=note, velocity=0, time=delta))
    path = tmp_path / "chord.mid"
    song.save(path)
    events = scuff.events_from_midi(path, SAMPLE_RATE)
    assert [e.frame for e in events] == [0, 6000, 12000, 15000, 18000, 18000, 18000]
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=256)
    synth = make(group.create_sandbox(), INSTRUMENT_ID)
    y = group.render({}, synth.output(0), frames=20000, events={synth: events})
    assert not y[:, 18000:].any() and np.abs(y[:, 12000:15000]).max() > 0.5
    # CC 7 at 15000 turned the volume down to 100/127.
    assert np.abs(y[:, 15000:18000]).max() < np.abs(y[:, 12000:15000]).max()


def test_note_ports_connect_only_to_note_ports(client, make):
    group = client.create_group()
    generator, synth = make(group.create_sandbox(), NOTE_GENERATOR_ID), make(group.create_sandbox(), INSTRUMENT_ID)
    with pytest.raises(scuff.AudioFormatError, match="a note output connects only to a note input"):
        group.connect(generator.note_output(0), synth)
    with pytest.raises(scuff.AudioFormatError, match="has 0 note output"):
        synth.note_output(0)
