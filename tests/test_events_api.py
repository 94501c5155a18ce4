"""The event types, their checks, MIDI files as events, and plugins' own parameter texts."""

from __future__ import annotations

import mido
import pytest

import scuff
from support.test_plugins import GAIN_ID
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES


@pytest.mark.parametrize("bad, words", [
    (lambda: scuff.NoteOn(-1, 60), "non-negative int"),
    (lambda: scuff.NoteOn(0, 128), "key is 0 to 127"),
    (lambda: scuff.NoteOff(0, 60, channel=16), "channel is 0 to 15"),
    (lambda: scuff.NoteOn(0, 60, velocity=1.5), "velocity is 0 to 1"),
    (lambda: scuff.NoteOn(0, 60, velocity=float("nan")), "velocity is 0 to 1"),
    (lambda: scuff.NoteOn(0, 60, note_id=-2), "note id"),
    (lambda: scuff.Midi(0, b""), "one status byte"),
    (lambda: scuff.Midi(0, b"\x40\x10"), "one status byte"),
    (lambda: scuff.Midi(0, b"\x90\x80\x10"), "one status byte"),
    (lambda: scuff.Midi(0, b"\x90\x40\x10\x00"), "one status byte"),
])
@pytest.mark.pure
def test_malformed_events_are_refused_when_made(bad, words):
    with pytest.raises(scuff.ScuffError, match=words):
        bad()


def test_events_beyond_the_render_or_of_the_wrong_kind_are_refused(client, test_plugins, make):
    group = client.create_group(sample_rate=48000, block_size=64)
    device = make(group.create_sandbox())
    with pytest.raises(scuff.AudioFormatError, match="note input"):
        group.render({}, device.output(0), frames=64, events={device: [scuff.NoteOn(0, 60)]})
    instrument = group.create_sandbox().create_device(test_plugins / "scuff-test-plugins.clap",
                                                      plugin_id="org.scuff.test.instrument")
    with pytest.raises(scuff.ScuffError, match="beyond the 64 frames"):
        group.render({}, instrument.output(0), frames=64, events={instrument: [scuff.NoteOn(64, 60)]})
    with pytest.raises(scuff.ScuffError, match="not str"):
        group.render({}, instrument.output(0), frames=64, events={instrument: ["C4"]})
    with pytest.raises(scuff.ScuffError, match="more than 1024 events in one block"):
        group.render({}, instrument.output(0), frames=64,
                     events={instrument: [scuff.Midi(f % 64, b"\xb0\x07\x10") for f in range(1025)]})


def test_a_device_that_output_no_events_has_none(client, make):
    group = client.create_group(sample_rate=48000, block_size=64)
    device = make(group.create_sandbox())
    assert device.output_events == []
    group.render({}, device.output(0), frames=128)
    assert device.output_events == []


@pytest.mark.pure
def test_a_midi_file_becomes_events_at_the_frames_its_tempo_map_gives(tmp_path):
    song = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    song.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=500_000, time=0))  # 120 bpm
    track.append(mido.Message("note_on", note=60, velocity=100, channel=2, time=480))  # beat 1: 0.5 s
    track.append(mido.Message("control_change", control=7, value=64, channel=2, time=0))
    track.append(mido.MetaMessage("set_tempo", tempo=1_000_000, time=480))  # beat 2 (1.0 s): 60 bpm
    track.append(mido.Message("note_on", note=60, velocity=0, channel=2, time=480))  # one beat later: 2.0 s
    path = tmp_path / "song.mid"
    song.save(path)
    events = scuff.events_from_midi(path, 48000)
    assert events == [
        scuff.NoteOn(24000, 60, 100 / 127, 2),
        scuff.Midi(24000, bytes([0xB2, 7, 64])),
        scuff.NoteOff(96000, 60, 0.0, 2),
    ]
    assert scuff.events_from_midi(mido.MidiFile(path), 44100)[2].frame == 88200


@pytest.mark.pure
def test_a_file_that_is_not_midi_is_refused_clearly(tmp_path):
    path = tmp_path / "not.mid"
    path.write_bytes(b"RIFF....WAVEfmt ")
    with pytest.raises(scuff.ScuffError, match="cannot read the MIDI file .*not.mid"):
        scuff.events_from_midi(path, 48000)


# ZamAutoSat has no parameters at all.
WITH_PARAMS = [p for p in (*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES) if p.stem != "ZamAutoSat"]


@pytest.mark.parametrize("path", WITH_PARAMS, ids=lambda p: p.name)
def test_param_text_round_trips_through_the_plugins_own_text(client, path):
    device = client.create_group().create_sandbox().create_device(path)
    settable = [p for p in device.params if not (p.is_readonly or p.is_hidden or p.max == p.min)]
    assert settable
    for param in settable:
        for value in (param.min, param.max, param.default):
            text = device.param_text(param, value)
            assert text.strip(), (param.name, value)
            back = device.param_from_text(param, text)
            # The text is the value rounded for display, and a VST3 build's value passes
            # through its float32 normalized form: both within 1e-5 of the range.
            assert back == pytest.approx(value, rel=1e-5, abs=(param.max - param.min) * 1e-5), (param.name, text)
            if param.is_stepped:
                assert back == value
    current = settable[0]
    assert device.param_text(current) == device.param_text(current, device.get_param(current))


def test_a_text_the_plugin_cannot_read_raises_param_error(client, make):
    gain = make(client.create_group().create_sandbox(), GAIN_ID)
    assert gain.param_from_text("Gain", gain.param_text("Gain", -12.5)) == -12.5
    with pytest.raises(scuff.ParamError, match="cannot read 'loud' as a value of 'Gain'"):
        gain.param_from_text("Gain", "loud")
