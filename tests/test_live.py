"""Playing live through a real JACK server (jackd -d dummy, 48 kHz): audio and MIDI fed by
JACK clients, the output recorded by one, and a sandbox killed while playing.

The server runs periods of 256 frames and the groups blocks of 128, so every period is
processed in two blocks. JACK orders the clients by their connections (player, scuff,
recorder), so what the player writes in a period reaches scuff and comes back to the
recorder in the same period: the live output at frame time t is the offline render's at
t - start, with the graph's latency inside both.
"""

from __future__ import annotations

import os
import pathlib
import signal
import sys
import time

import numpy as np
import pytest

import scuff
from support.jack_server import SAMPLE_RATE, Player, jack_server
from support.live_accounting import excused, first_incident, settled, unaccounted
from support.signals import noise
from support.test_plugins import (
    FAULTY_ID,
    GAIN_ID,
    INSTRUMENT_AMPLITUDE,
    INSTRUMENT_ID,
    LATE_SLEEP_SECONDS,
    PASSTHROUGH_ID,
    Fault,
)
from support.waiting import wait_until

jack = pytest.importorskip("jack", reason="the JACK-Client package is not installed")
live = pytest.importorskip("scuff.live")

pytestmark = pytest.mark.skipif(not live.jack_available(), reason="libjack cannot be loaded (libjack-jackd2-0 missing)")

PERIOD = 256
BLOCK = 128
ZAM_COMP = pathlib.Path("/usr/lib/clap/ZamComp.clap")
ZAM_MAXIM = pathlib.Path("/usr/lib/clap/ZaMaximX2.clap")


@pytest.fixture(scope="module")
def server():
    with jack_server(period=PERIOD) as name:
        yield name


@pytest.fixture
def player(server):
    # The players' process callbacks are Python: they need the GIL within a period, so the
    # test's own thread (restarting sandboxes, polling) must hand it over sooner than every 5 ms.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    clients = []

    def make(**kwargs) -> Player:
        client = Player(server, name=f"player{len(clients)}", **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    sys.setswitchinterval(interval)


def assert_counted_alike(stats, incidents) -> None:
    """The host's counters and its incidents tell the same story."""
    kinds = [incident.kind for incident in incidents]
    assert kinds.count("busy") == stats.busy_cycles and kinds.count("refused") == stats.refused_cycles
    assert kinds.count("overrun") == stats.overruns and kinds.count("xrun") == stats.xruns
    # A sandbox that dies mid-cycle is late too, but its silence is its crash's, not an incident.
    assert "late" not in kinds or stats.late_cycles > 0, (kinds, stats)


def _zam_chain(group: scuff.Group) -> tuple[scuff.Device, scuff.Device]:
    comp = group.create_sandbox().create_device(ZAM_COMP)
    for name, value in {"Threshold": -30.0, "Ratio": 5.75, "Makeup": 7.5}.items():
        comp.set_param(name, value)
    maxim = group.create_sandbox().create_device(ZAM_MAXIM)
    group.connect(comp.output(0), maxim.input(0))
    return comp, maxim


@pytest.mark.skipif(not (ZAM_COMP.exists() and ZAM_MAXIM.exists()), reason="zam-plugins not installed")
def test_zam_chain_played_live_equals_its_offline_render(client, server, player):
    # ZamComp -> ZaMaximX2 (480 frames of latency) across two sandboxes: one more block.
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    comp, maxim = _zam_chain(group)
    latency = group.latency(comp.input(0), maxim.output(0))
    assert latency == maxim.latency + BLOCK == 480 + BLOCK
    frames = SAMPLE_RATE // 2
    x = noise(1, frames, seed=3, level=0.4)[0] * np.linspace(0.05, 1, frames, dtype=np.float32)

    feeder = player(outputs=1)
    recorder = player(inputs=2)
    with live.JackHost(group, inputs=[comp], outputs=[maxim], name="scuff", server=server) as host:
        assert host.input_ports == [f"{host.name}:in_1"]
        assert host.output_ports == [f"{host.name}:out_1", f"{host.name}:out_2"]
        host.connect_inputs(["player0:out_1"])
        host.connect_outputs(recorder.client.name + ":" + p for p in ("in_1", "in_2"))
        recorder.wait_frames(4 * PERIOD)  # the sandboxes' first cycles, before the signal
        host.reset_stats()
        recorder.record()
        feeder.play([x])
        recorder.wait_frames(frames + latency + 4 * PERIOD)
        recorder.stop_recording()
        stats, incidents = settled(host, recorder)
        assert stats.buffer_size == PERIOD and stats.sample_rate == SAMPLE_RATE
    assert_counted_alike(stats, incidents)
    first, left = recorder.recording(0)
    _, right = recorder.recording(1)
    offset = feeder.start - first
    assert offset >= 0
    played = np.stack([left, right])[:, offset:offset + frames + latency]
    assert played.shape[1] == frames + latency

    # The same chain, offline, in fresh sandboxes: the same samples. Live, the chain played
    # silence before the signal; so does the render, for a few periods.
    offline_group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    comp2, maxim2 = _zam_chain(offline_group)
    lead = 4 * PERIOD
    padded = np.concatenate([np.zeros(lead, np.float32), x, np.zeros(latency, np.float32)])[np.newaxis]
    rendered = offline_group.render({comp2.input(0): padded}, maxim2.output(0))[:, lead:]
    assert not rendered[:, :latency].any() and np.abs(rendered).max() > 0.1
    # Up to the first period the host reported (on a quiet machine there is none) the live
    # chain plays the offline render's samples; after a silenced block both compressors'
    # states go their own ways, so that is all a stateful chain can be held to.
    start = first_incident(feeder.start, incidents)
    upto = played.shape[1] if start is None else min(start, played.shape[1])
    np.testing.assert_allclose(played[:, :upto], rendered[:, :upto], rtol=0, atol=1e-6)


def test_notes_on_a_jack_midi_port_sound_at_their_frame(client, server, player, test_plugins):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    synth = group.create_sandbox().create_device(test_plugins / "scuff-test-plugins.clap", plugin_id=INSTRUMENT_ID)
    sender = player(midi=True)
    recorder = player(inputs=1)
    # Frames within periods and blocks: a period's first frame, a block's last, one in the
    # period's second block, and a note-on as note-off (velocity 0).
    notes = [(PERIOD * 2, 69, 100, 2 * PERIOD + BLOCK - 1), (PERIOD * 4 + BLOCK - 1, 72, 64, PERIOD * 6 + 77),
             (PERIOD * 7 + BLOCK + 5, 60, 127, PERIOD * 8 + 3)]
    midi = []
    for on, key, velocity, off in notes:
        midi.append((on, bytes([0x90, key, velocity])))
        midi.append((off, bytes([0x90, key, 0]) if key == 72 else bytes([0x80, key, 0])))
    total = PERIOD * 10
    with live.JackHost(group, outputs=[synth], note_inputs=[synth], server=server) as host:
        assert host.midi_ports == [f"{host.name}:midi_in_1"]
        host.connect_midi(sender.midi_out.name)
        host.connect(host.output_ports[0], recorder.ins[0].name)
        recorder.wait_frames(4 * PERIOD)
        recorder.record()
        sender.play(midi=midi)
        recorder.wait_frames(total + 2 * PERIOD)
        recorder.stop_recording()
        stats, incidents = settled(host, recorder)
        assert stats.ignored_midi == 0
    assert_counted_alike(stats, incidents)
    first, y = recorder.recording(0)
    offset = sender.start - first
    assert offset >= 0
    y = y[offset:offset + total]
    assert y.size == total
    # Each note from its exact frame to its end, silence around them.
    increment = 2 * np.pi * 440.0 / SAMPLE_RATE
    expected = np.zeros(total, np.float32)
    for on, key, velocity, off in notes:
        phases = np.arange(off - on) * increment * 2 ** ((key - 69) / 12)
        expected[on:off] = velocity / 127 * INSTRUMENT_AMPLITUDE * np.cos(phases)
    wrong = unaccounted(y, expected, sender.start, incidents, atol=1e-5)
    assert wrong.size == 0, f"{wrong.size} samples differ outside the reported incidents, from {wrong[:5]}"


def test_a_sandbox_killed_while_playing_is_silent_and_plays_again_after_restart(client, server, player,
                                                                                test_plugins):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    bundle = test_plugins / "scuff-test-plugins.clap"
    steady = group.create_sandbox().create_device(bundle, plugin_id=PASSTHROUGH_ID)
    doomed_sandbox = group.create_sandbox()
    doomed = doomed_sandbox.create_device(bundle, plugin_id=PASSTHROUGH_ID)
    channels = steady.inputs[0]
    frames = SAMPLE_RATE * 3
    x = noise(1, frames, seed=5)[0]
    feeder = player(outputs=1)
    recorder = player(inputs=2 * channels)
    with live.JackHost(group, inputs=[steady, doomed], outputs=[steady, doomed], server=server) as host:
        host.connect_inputs(["player0:out_1"])
        host.connect_outputs(port.name for port in recorder.ins)
        recorder.wait_frames(4 * PERIOD)
        host.reset_stats()
        recorder.record()
        feeder.play([x])
        recorder.wait_frames(SAMPLE_RATE // 2)
        old_pid = doomed_sandbox.pid
        os.kill(old_pid, signal.SIGKILL)
        wait_until(lambda: doomed_sandbox.state == "crashed", timeout=5)
        recorder.wait_frames(SAMPLE_RATE // 4)
        doomed_sandbox.restart()
        assert doomed_sandbox.pid != old_pid and doomed_sandbox.state == "running"
        recorder.wait_frames(SAMPLE_RATE // 2)
        recorder.stop_recording()
        stats, incidents = settled(host, recorder)
    # No callback of scuff's waited past the deadline for the crashed sandbox: none was busy.
    assert stats.busy_cycles == 0 and stats.refused_cycles == 0
    assert_counted_alike(stats, incidents)
    first, _ = recorder.recording(0)
    offset = feeder.start - first
    recorded = [recorder.recording(i)[1][offset:] for i in range(2 * channels)]
    played = min(r.size for r in recorded)
    assert played > SAMPLE_RATE
    # The steady sandbox played every frame, through the crash and the restart, but for
    # the periods the host reported.
    for channel in range(channels):
        assert unaccounted(recorded[channel][:played], x[:played], feeder.start, incidents).size == 0
    # The doomed one: silent from the crash until its restart, then the signal again.
    doomed_out = recorded[channels][:played]
    silent = unaccounted(doomed_out, x[:played], feeder.start, incidents)
    if silent.size == 0:
        # Only an xrun reported around the crash can account for its silence: whichever
        # client caused it, nothing after it can be compared.
        assert any(incident.kind == "xrun" for incident in incidents), "the crash went unheard"
        return
    start, end = silent[0], silent[-1] + 1
    assert not doomed_out[start:end].any()
    assert end < played - SAMPLE_RATE // 4, "the restarted sandbox does not play"


def _late_chain(group: scuff.Group, make) -> tuple[scuff.Device, scuff.Device]:
    """A passthrough feeding the faulty plugin in one sandbox, which adds no latency."""
    sandbox = group.create_sandbox()
    passthrough, faulty = make(sandbox), make(sandbox, FAULTY_ID)
    group.connect(passthrough.output(0), faulty.input(0))
    return passthrough, faulty


def test_a_late_cycle_is_silent_in_the_periods_counted_and_nowhere_else(client, server, player, make):
    # The late call misses about eight blocks; only many more in a row would make the
    # sandbox unresponsive, which a late cycle is not.
    late_blocks = int(np.ceil(LATE_SLEEP_SECONDS * SAMPLE_RATE / BLOCK))
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK, unresponsive_after=16 * late_blocks)
    passthrough, faulty = _late_chain(group, make)
    channels = faulty.outputs[0]
    frames = SAMPLE_RATE // 2
    x = noise(1, frames, seed=11)[0]
    feeder = player(outputs=1)
    recorder = player(inputs=channels)
    with live.JackHost(group, inputs=[passthrough], outputs=[faulty], server=server) as host:
        host.connect_inputs(["player0:out_1"])
        host.connect_outputs(port.name for port in recorder.ins)
        recorder.wait_frames(4 * PERIOD)
        host.reset_stats()
        recorder.record()
        feeder.play([x])
        recorder.wait_frames(frames // 4)
        faulty.schedule_param("Fault", int(Fault.LATE_ONCE_IN_PROCESS))
        recorder.wait_frames(frames)
        recorder.stop_recording()
        stats, incidents = settled(host, recorder)
    assert faulty.sandbox.state == "running" and faulty.sandbox.restarts == 0
    assert stats.late_cycles >= 1
    assert_counted_alike(stats, incidents)
    first, _ = recorder.recording(0)
    offset = feeder.start - first
    assert offset >= 0
    played = np.stack([recorder.recording(c)[1] for c in range(channels)])[:, offset:offset + frames]
    assert played.shape[1] == frames

    offline_group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    offline_in, offline_out = _late_chain(offline_group, make)
    rendered = offline_group.render({offline_in.input(0): np.tile(x, (channels, 1))}, offline_out.output(0))
    # Every sample the host did not report is the offline render's, bit for bit.
    for channel in range(channels):
        wrong = unaccounted(played[channel], rendered[channel], feeder.start, incidents)
        assert wrong.size == 0, f"{wrong.size} samples differ outside the reported incidents, from {wrong[:5]}"
    # Every late period reported while the signal played is heard (the armed one is among
    # them), and what it changed is silence. An xrun may make the recording itself slip,
    # so from XRUN_REACH before it on only the accounting above holds.
    late = [incident for incident in incidents if incident.kind == "late"
            and 0 <= incident.frame - feeder.start <= frames - incident.frames]
    assert late, incidents
    comparable = ~excused(feeder.start, frames, [incident for incident in incidents if incident.kind == "xrun"])
    differs = ~(played == rendered)
    for incident in late:
        start = incident.frame - feeder.start
        if comparable[start:start + incident.frames].all():
            assert differs[:, start:start + incident.frames].any(), f"a late period not heard: {incident}, {incidents}"
    assert not played[differs & comparable].any()


def test_autosave_and_an_automatic_restart_while_playing_keep_the_sound(server, player, test_plugins):
    with scuff.Client(autosave_interval=0.1) as client:
        # This test is about a crash. On a starved machine the sandbox may miss a few cycles
        # in a row, which the recording's incidents account for; with the default of 3, the
        # restart policy took that for a hang once and restarted it before the crash.
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK, unresponsive_after=40)
        sandbox = group.create_sandbox(restart_policy=scuff.RestartPolicy(backoff=0.05))
        gain = sandbox.create_device(test_plugins / "scuff-test-plugins.clap", plugin_id=GAIN_ID)
        x = noise(1, SAMPLE_RATE * 4, seed=7)[0]
        feeder = player(outputs=1)
        recorder = player(inputs=1)
        with live.JackHost(group, inputs=[gain], outputs=[gain], server=server) as host:
            host.connect_inputs(["player0:out_1"] * gain.inputs[0])
            host.connect(host.output_ports[0], recorder.ins[0].name)
            feeder.play([x])
            changed = time.monotonic()
            gain.set_param("Gain", -6.0)
            wait_until(lambda: (gain.saved_at or 0) > changed, timeout=5, what="an autosave while playing")
            old_pid = sandbox.pid
            os.kill(old_pid, signal.SIGKILL)
            wait_until(lambda: sandbox.pid != old_pid and sandbox.state == "running", timeout=10,
                       what="the automatic restart")
            recorder.wait_frames(2 * PERIOD)
            recorder.record()
            recorder.wait_frames(SAMPLE_RATE // 5)
            recorder.stop_recording()
            assert sandbox.restarts == 1
            _, incidents = settled(host, recorder)
        first, y = recorder.recording(0)
        position = first - feeder.start
        assert 0 < position and position + y.size < x.size
        # The gain set before the crash, restored by the restart from the autosave.
        wrong = unaccounted(y, x[position:position + y.size] * 10 ** (-6 / 20), first, incidents, atol=1e-6)
        assert wrong.size == 0, f"{wrong.size} samples differ outside the reported incidents, from {wrong[:5]}"


def test_process_is_refused_while_playing_and_errors_are_clear(client, server, test_plugins):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    device = group.create_sandbox().create_device(test_plugins / "scuff-test-plugins.clap",
                                                  plugin_id=PASSTHROUGH_ID)
    with live.JackHost(group, inputs=[device], outputs=[device], server=server) as host:
        with pytest.raises(scuff.ScuffError, match="playing live"):
            group.process({}, device.output(0), frames=BLOCK)
        time.sleep(0.05)
        assert host.stats().cycles > 0
    group.process({}, device.output(0), frames=BLOCK)
    with pytest.raises(live.JackError, match="no-such-server|jackd running"):
        live.JackHost(group, outputs=[device], server="no-such-server")
    other_rate = client.create_group(sample_rate=44100, block_size=BLOCK)
    with pytest.raises(live.JackError, match="48000 Hz"):
        live.JackHost(other_rate, server=server)


@pytest.mark.skipif(not ZAM_COMP.exists(), reason="zam-plugins not installed")
def test_scuff_play_plays_a_chain_with_a_status_line(server, capsys):
    from scuff.cli import main

    status = main(["play", "--plugin", str(ZAM_COMP), "--plugin", str(ZAM_COMP), "--connect-inputs",
                   "system:capture_1", "--server", server, "--name", "cli", "--seconds", "1"])
    out = capsys.readouterr().out
    assert status == 0
    assert "playing ZamComp -> ZamComp as JACK client cli at 48000 Hz, 256 frames" in out
    last = out.rstrip().split("\r")[-1]
    assert "DSP" in last and "xruns" in last and "ZamComp running, ZamComp running" in last


def test_a_change_of_the_servers_period_is_played_or_refused_not_crashed_on(client, test_plugins):
    group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK)
    device = group.create_sandbox().create_device(test_plugins / "scuff-test-plugins.clap",
                                                  plugin_id=PASSTHROUGH_ID)
    x = noise(1, SAMPLE_RATE * 10, seed=9)[0]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    with jack_server(period=PERIOD) as own_server:
        feeder = Player(own_server, outputs=1, name="feeder")
        recorder = Player(own_server, inputs=1, name="recorder")
        try:
            with live.JackHost(group, inputs=[device], outputs=[device], server=own_server,
                               max_frames=512) as host:
                host.connect_inputs(["feeder:out_1"])
                host.connect(host.output_ports[0], "recorder:in_1")
                feeder.play([x])
                for period in (512, 64):  # four blocks a period, then half a block
                    recorder.client.blocksize = period
                    wait_until(lambda: host.stats().buffer_size == period, timeout=5)  # noqa: B023
                    recorder.wait_frames(4 * period)
                    host.reset_stats()
                    recorder.record()
                    recorder.wait_frames(SAMPLE_RATE // 10)
                    recorder.stop_recording()
                    first, y = recorder.recording(0)
                    position = first - feeder.start
                    stats, incidents = settled(host, recorder)
                    assert unaccounted(y, x[position:position + y.size], first, incidents).size == 0
                    assert stats.refused_cycles == 0
                # Longer than max_frames: silence, counted, until the period is short again.
                recorder.client.blocksize = 1024
                wait_until(lambda: host.stats().refused_cycles > 10, timeout=5)
                recorder.client.blocksize = PERIOD
                wait_until(lambda: host.stats().buffer_size == PERIOD, timeout=5)
                recorder.wait_frames(4 * PERIOD)
                host.reset_stats()
                recorder.record()
                recorder.wait_frames(SAMPLE_RATE // 10)
                recorder.stop_recording()
                first, y = recorder.recording(0)
                _, incidents = settled(host, recorder)
                assert unaccounted(y, x[first - feeder.start:][:y.size], first, incidents).size == 0
        finally:
            feeder.close()
            recorder.close()
            sys.setswitchinterval(interval)
