"""The group's transport reaches every device with each block (CLAP transport event, VST3
ProcessContext) and advances by exactly one block per cycle while it plays."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.test_plugins import TRANSPORT_PROBE_CHANNELS, TRANSPORT_PROBE_ID

SAMPLE_RATE = 48000
BLOCK = 256
TEMPO, BEATS, SECONDS, PLAYING, NUMERATOR, DENOMINATOR, LOOP_START, OFFLINE = range(TRANSPORT_PROBE_CHANNELS)


@pytest.fixture
def rig(client, make):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    return group, make(group.create_sandbox(), TRANSPORT_PROBE_ID)


def block_starts(y: np.ndarray, channel: int) -> np.ndarray:
    return y[channel, ::BLOCK]


def advance(beats: float, seconds: float, tempo: float, blocks: int,
            loop: tuple[float, float] | None = None) -> tuple[list[float], float, float]:
    """Block-start positions in beats as the model of the transport advances them (a loop
    wraps between blocks), and where it ends."""
    starts = []
    for _ in range(blocks):
        starts.append(beats)
        step = BLOCK / SAMPLE_RATE
        seconds += step
        beats += step * tempo / 60.0
        if loop and beats >= loop[1]:
            beats -= loop[1] - loop[0]
            seconds -= (loop[1] - loop[0]) * 60.0 / tempo
    return starts, beats, seconds


def as_given(beats: list[float], plugin_format: str) -> np.ndarray:
    """Positions as a plugin is given them: CLAP's transport carries beats in fixed point,
    2**31 to the beat; VST3's ProcessContext as doubles."""
    values = np.array(beats)
    if plugin_format == "clap":
        values = np.round(values * 2**31) / 2**31
    return values.astype(np.float32)


def test_a_stopped_transport_holds_its_position_and_tells_its_tempo_and_signature(rig):
    group, probe = rig
    assert probe.outputs == [TRANSPORT_PROBE_CHANNELS]
    y = group.render({}, probe.output(0), frames=4 * BLOCK)
    assert (y[TEMPO] == 120).all() and (y[PLAYING] == 0).all() and (y[BEATS] == 0).all()
    assert (y[NUMERATOR] == 4).all() and (y[DENOMINATOR] == 4).all() and (y[LOOP_START] == -1).all()
    assert group.transport.position_beats == 0 and not group.transport.playing


def test_playing_advances_exactly_one_block_per_cycle_through_a_tempo_change(rig, plugin_format):
    group, probe = rig
    transport = group.transport
    transport.tempo, transport.time_signature, transport.playing = 100, (3, 4), True
    y = group.render({}, probe.output(0), frames=10 * BLOCK)
    starts, beats, seconds = advance(0.0, 0.0, 100, 10)
    np.testing.assert_array_equal(block_starts(y, BEATS), as_given(starts, plugin_format))
    assert (y[TEMPO] == 100).all() and (y[PLAYING] == 1).all() and (y[NUMERATOR] == 3).all()
    # Within a block the position runs on at the tempo, from the block's start.
    within = np.float32(starts[3] + np.arange(BLOCK) * 100 / 60 / SAMPLE_RATE)
    np.testing.assert_allclose(y[BEATS, 3 * BLOCK:4 * BLOCK], within, rtol=1e-6)
    assert transport.position_beats == pytest.approx(beats, rel=1e-12)
    transport.tempo = 150
    y = group.render({}, probe.output(0), frames=6 * BLOCK)
    starts, _, _ = advance(beats, seconds, 150, 6)
    np.testing.assert_array_equal(block_starts(y, BEATS), as_given(starts, plugin_format))
    assert (y[TEMPO] == 150).all()


def test_a_loop_wraps_between_blocks_and_a_stop_holds(rig, plugin_format):
    group, probe = rig
    transport = group.transport
    transport.loop = (1.0, 2.0)
    transport.position_beats = 1.0
    transport.playing = True
    y = group.render({}, probe.output(0), frames=400 * BLOCK)
    starts, _, _ = advance(1.0, 0.5, 120, 400, loop=(1.0, 2.0))
    np.testing.assert_array_equal(block_starts(y, BEATS), as_given(starts, plugin_format))
    assert (y[LOOP_START] == 1.0).all()
    # A beat lasts 24000 frames at 120 bpm, about 94 blocks: the loop wrapped several times.
    assert np.count_nonzero(np.diff(starts) < 0) >= 4
    transport.playing = False
    held = transport.position_beats
    y = group.render({}, probe.output(0), frames=3 * BLOCK)
    assert (y[BEATS] == as_given([held], plugin_format)[0]).all() and (y[PLAYING] == 0).all()
    transport.loop = None
    assert transport.loop is None


def test_offline_rendering_reaches_the_plugin(rig):
    group, probe = rig
    assert not group.render({}, probe.output(0), frames=BLOCK)[OFFLINE].any()
    group.offline = True
    assert (group.render({}, probe.output(0), frames=BLOCK)[OFFLINE] == 1).all()
    late = group.create_sandbox().create_device(probe.path, plugin_id=probe.plugin_id)
    assert (group.render({}, late.output(0), frames=BLOCK)[OFFLINE] == 1).all()
    group.offline = False
    assert not group.render({}, probe.output(0), frames=BLOCK)[OFFLINE].any()


@pytest.mark.parametrize("bad, words", [
    (lambda t: setattr(t, "tempo", 0), "tempo"),
    (lambda t: setattr(t, "tempo", float("inf")), "tempo"),
    (lambda t: setattr(t, "time_signature", (4, 3)), "time signature"),
    (lambda t: setattr(t, "loop", (2.0, 1.0)), "loop"),
    (lambda t: setattr(t, "position_beats", float("nan")), "position"),
])
def test_a_transport_that_makes_no_sense_is_refused(client, bad, words):
    transport = client.create_group().transport
    with pytest.raises(scuff.ScuffError, match=words):
        bad(transport)
    assert transport.tempo == 120
