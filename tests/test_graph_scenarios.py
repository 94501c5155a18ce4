"""The six scenarios of the design, with real sandboxes: connections inside a sandbox are read
in the same cycle, connections between sandboxes one block later, loops are delayed."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import GAIN_ID, MONO_ID, PASSTHROUGH_ID, SIDECHAIN_ID

BLOCK = 64


@pytest.fixture
def group(client: scuff.Client) -> scuff.Group:
    return client.create_group(sample_rate=48000, block_size=BLOCK)


def delayed(x: np.ndarray, frames: int) -> np.ndarray:
    """x shifted later by `frames`, silence before it, same length."""
    y = np.zeros_like(x)
    y[:, frames:] = x[:, : x.shape[1] - frames]
    return y


def impulse(channels: int = 2, frames: int = 16 * BLOCK) -> np.ndarray:
    x = np.zeros((channels, frames), np.float32)
    x[:, 0] = 1.0
    return x


def test_rack_with_one_sandbox_per_device_adds_a_block_per_hop(group, make):
    first, second, third = (make(group.create_sandbox()) for _ in range(3))
    group.connect(first, second)
    group.connect(second.output(0), third.input(0))
    x = noise(2, 20 * BLOCK + 5)
    np.testing.assert_array_equal(group.render({first: x}, third), delayed(x, 2 * BLOCK))
    assert group.latency(first.input(0), third.output(0)) == 2 * BLOCK


def test_rack_inside_one_sandbox_adds_no_latency(group, make):
    sandbox = group.create_sandbox()
    first, second, third = (make(sandbox) for _ in range(3))
    group.connect(first, second)
    group.connect(second, third)
    x = noise(2, 20 * BLOCK + 5)
    np.testing.assert_array_equal(group.render({first: x}, third), x)
    assert group.latency(first.input(0), third.output(0)) == 0


def test_devices_run_in_signal_order_whatever_order_they_were_made(group, make):
    sandbox = group.create_sandbox()
    third, second, first = (make(sandbox) for _ in range(3))
    group.connect(first, second)
    group.connect(second, third)
    x = noise(2, 10 * BLOCK)
    np.testing.assert_array_equal(group.render({first: x}, third), x)


def test_two_devices_sharing_a_sandbox_add_one_block_together(group, make):
    red = group.create_sandbox()
    first, second = make(red), make(red)
    third = make(group.create_sandbox())
    group.connect(first, second)
    group.connect(second, third)
    x = noise(2, 20 * BLOCK)
    np.testing.assert_array_equal(group.render({first: x}, third), delayed(x, BLOCK))
    assert group.latency(first.input(0), third.output(0)) == BLOCK


def test_a_chain_that_leaves_a_sandbox_and_comes_back_adds_a_block_each_way(group, make):
    red, blue = group.create_sandbox(), group.create_sandbox()
    first = make(red)
    second = make(blue)
    third = make(red)
    group.connect(first, second)
    group.connect(second, third)
    x = noise(2, 20 * BLOCK)
    np.testing.assert_array_equal(group.render({first: x}, third), delayed(x, 2 * BLOCK))


def test_host_reads_any_output_and_writes_a_sidechain_input(group, make):
    first, second = make(group.create_sandbox()), make(group.create_sandbox())
    mixer = make(group.create_sandbox(), SIDECHAIN_ID)
    group.connect(first, second)
    group.connect(second, mixer.input(0))
    x, side = noise(2, 20 * BLOCK, seed=1), noise(2, 20 * BLOCK, seed=2)
    tapped, mixed = group.render({first: x, mixer.input(1): side}, [first.output(0), mixer.output(0)])
    np.testing.assert_array_equal(tapped, x)
    np.testing.assert_array_equal(mixed, delayed(x, 2 * BLOCK) + side)


def test_feedback_loop_inside_one_sandbox_returns_one_block_later(group, make):
    sandbox = group.create_sandbox()
    mixer = make(sandbox, SIDECHAIN_ID)
    echo = make(sandbox)
    group.connect(mixer, echo)
    group.connect(echo.output(0), mixer.input(1))
    y = group.render({mixer: impulse()}, mixer)
    expected = np.zeros_like(y)
    expected[:, ::BLOCK] = 1.0
    np.testing.assert_array_equal(y, expected)


def test_feedback_loop_across_sandboxes_returns_two_blocks_later(group, make):
    mixer = make(group.create_sandbox(), SIDECHAIN_ID)
    echo = make(group.create_sandbox())
    group.connect(mixer, echo)
    group.connect(echo.output(0), mixer.input(1))
    y = group.render({mixer: impulse()}, mixer)
    expected = np.zeros_like(y)
    expected[:, :: 2 * BLOCK] = 1.0
    np.testing.assert_array_equal(y, expected)
    assert group.path_latencies(mixer.output(0), mixer.input(1)) == [2 * BLOCK]


def test_a_decaying_feedback_loop_dies_away(group, make):
    sandbox = group.create_sandbox()
    mixer = make(sandbox, SIDECHAIN_ID)
    quieter = make(sandbox, GAIN_ID)
    quieter.set_param("Gain", -6.0)
    group.connect(mixer, quieter)
    group.connect(quieter, mixer.input(1))
    y = group.render({mixer: impulse(frames=200 * BLOCK)}, mixer)
    factor = np.float32(10 ** (-6.0 / 20))
    echoes = y[0, ::BLOCK]
    np.testing.assert_allclose(echoes[:20], factor ** np.arange(20, dtype=np.float32), rtol=1e-5)
    assert np.all(np.isfinite(y)) and abs(y[:, -BLOCK:]).max() < 1e-15


def test_a_device_feeding_itself_hears_its_previous_block(group, make):
    mixer = make(group.create_sandbox(), SIDECHAIN_ID)
    group.connect(mixer.output(0), mixer.input(1))
    x = impulse()
    y = group.render({mixer: x}, mixer)
    expected = np.zeros_like(y)
    expected[:, ::BLOCK] = 1.0
    np.testing.assert_array_equal(y, expected)


def test_sources_and_host_input_aimed_at_one_port_sum(group, make):
    sandbox = group.create_sandbox()
    left, right, target = make(sandbox), make(sandbox), make(sandbox)
    group.connect(left, target)
    group.connect(right, target)
    a, b, c = (noise(2, 8 * BLOCK, seed=s) for s in (3, 4, 5))
    y = group.render({left: a, right: b, target: c}, target)
    # Summed in a fixed order, the host's input first, then connections as they were made.
    np.testing.assert_array_equal(y, (c + a) + b)


def test_mono_output_feeds_every_channel_and_mono_input_gets_the_sum(group, make):
    sandbox = group.create_sandbox()
    mono_source, stereo, mono_sink = make(sandbox, MONO_ID), make(sandbox), make(sandbox, MONO_ID)
    group.connect(mono_source, stereo)
    group.connect(stereo, mono_sink)
    x = noise(1, 8 * BLOCK)
    spread, summed = group.render({mono_source: x}, [stereo.output(0), mono_sink.output(0)])
    np.testing.assert_array_equal(spread, np.vstack([x, x]))
    np.testing.assert_array_equal(summed, x + x)


def test_a_connection_into_a_sidechain_port_between_sandboxes(group, make):
    source = make(group.create_sandbox())
    mixer = make(group.create_sandbox(), SIDECHAIN_ID)
    group.connect(source.output(0), mixer.input(1))
    x, main = noise(2, 8 * BLOCK, seed=6), noise(2, 8 * BLOCK, seed=7)
    y = group.render({source: x, mixer: main}, mixer)
    np.testing.assert_array_equal(y, main + delayed(x, BLOCK))


def test_disconnect_stops_the_signal_at_the_next_cycle(group, make):
    first, second = make(group.create_sandbox()), make(group.create_sandbox())
    group.connect(first, second)
    x = noise(2, 4 * BLOCK)
    np.testing.assert_array_equal(group.render({first: x}, second), delayed(x, BLOCK))
    group.disconnect(first, second)
    assert group.connections == []
    # The last block of the earlier render no longer arrives.
    np.testing.assert_array_equal(group.render({first: x}, second), np.zeros_like(x))


def test_removing_a_device_removes_its_connections(group, make):
    sandbox = group.create_sandbox()
    first, middle, last = make(sandbox), make(sandbox), make(sandbox)
    group.connect(first, middle)
    group.connect(middle, last)
    sandbox.remove_device(middle)
    assert group.connections == []
    x = noise(2, 4 * BLOCK)
    np.testing.assert_array_equal(group.render({first: x}, last), np.zeros_like(x))


def test_closing_a_sandbox_removes_the_connections_of_its_devices(group, make):
    first, second = make(group.create_sandbox()), make(group.create_sandbox())
    group.connect(first, second)
    first.sandbox.close()
    assert group.connections == []
    x = noise(2, 4 * BLOCK)
    np.testing.assert_array_equal(group.render({second: x}, second), x)


def test_a_real_compressor_keyed_from_another_sandbox(client, make):
    """ZamCompX2's mono sidechain port fed by a stereo device in another sandbox (the two
    channels summed) compresses exactly as when the host writes that key signal itself."""
    block = 256
    music, kick = noise(2, 40 * block, seed=8, level=0.3), noise(2, 40 * block, seed=9, level=0.9)
    key = kick[:1] + kick[1:]
    key = np.concatenate([np.zeros((1, block), np.float32), key[:, :-block]], axis=1)

    def compressor(group: scuff.Group) -> scuff.Device:
        device = group.create_sandbox().create_device("/usr/lib/clap/ZamCompX2.clap")
        device.set_param("Sidechain", 1.0)
        device.set_param("Threshold", -30.0)
        return device

    routed = client.create_group(sample_rate=48000, block_size=block)
    source = make(routed.create_sandbox(), PASSTHROUGH_ID)
    routed_comp = compressor(routed)
    routed.connect(source, routed_comp.input(1))
    via_graph = routed.render({source: kick, routed_comp: music}, routed_comp)

    direct = client.create_group(sample_rate=48000, block_size=block)
    direct_comp = compressor(direct)
    via_host = direct.render({direct_comp.input(0): music, direct_comp.input(1): key}, direct_comp)
    unkeyed = direct.render({direct_comp.input(0): music}, direct_comp)

    np.testing.assert_array_equal(via_graph, via_host)
    assert np.abs(via_graph - unkeyed).max() > 0.01
