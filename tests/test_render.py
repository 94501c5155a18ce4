"""Audio rendered through sandboxed devices arrives exactly as the plugin made it."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import GAIN_ID, MONO_ID, PASSTHROUGH_ID, SIDECHAIN_ID


def test_passthrough_returns_its_input_bit_for_bit(group, make):
    device = make(group.create_sandbox(), PASSTHROUGH_ID)
    x = noise(2, 48000 + 123)  # not a whole number of blocks: the last one is short
    y = group.render({device.input(0): x}, device.output(0))
    assert y.dtype == np.float32 and y.shape == x.shape
    np.testing.assert_array_equal(y, x)


def test_gain_scales_by_its_decibel_parameter(group, make):
    device = make(group.create_sandbox(), GAIN_ID)
    device.set_param("Gain", -6.0)
    x = noise(2, 4096)
    y = group.render({device: x}, device)
    expected = x * np.float32(10 ** (-6.0 / 20))
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=0)


def test_a_device_stands_for_its_port_zero(group, make):
    device = make(group.create_sandbox(), PASSTHROUGH_ID)
    x = noise(2, 1000)
    np.testing.assert_array_equal(group.render({device: x}, device), x)


def test_several_outputs_come_back_as_a_list(group, make):
    sandbox = group.create_sandbox()
    quiet = make(sandbox, GAIN_ID)
    quiet.set_param("Gain", -60.0)
    same = make(sandbox, PASSTHROUGH_ID)
    x = noise(2, 2048)
    a, b = group.render({quiet.input(0): x, same.input(0): x}, [quiet.output(0), same.output(0)])
    np.testing.assert_allclose(a, x * np.float32(10 ** (-60 / 20)), rtol=1e-6)
    np.testing.assert_array_equal(b, x)


def test_sidechain_port_receives_its_own_signal(group, make):
    device = make(group.create_sandbox(), SIDECHAIN_ID)
    assert device.inputs == [2, 2]
    main, side = noise(2, 3000, seed=1), noise(2, 3000, seed=2)
    y = group.render({device.input(0): main, device.input(1): side}, device.output(0))
    np.testing.assert_array_equal(y, main + side)


def test_devices_in_different_sandboxes_render_in_one_call(group, make):
    first = make(group.create_sandbox(), MONO_ID)
    second = make(group.create_sandbox(), GAIN_ID)
    second.set_param("Gain", 0.0)
    x1, x2 = noise(1, 5000, seed=3), noise(2, 5000, seed=4)
    y1, y2 = group.render({first: x1, second: x2}, [first, second])
    np.testing.assert_array_equal(y1, x1)
    np.testing.assert_array_equal(y2, x2)
    assert first.sandbox.pid != second.sandbox.pid


def test_process_handles_one_block_for_audio_callbacks(group, make):
    device = make(group.create_sandbox(), PASSTHROUGH_ID)
    for seed in range(5):
        block = noise(2, 256, seed=seed)
        np.testing.assert_array_equal(group.process({device: block}, device), block)


def test_process_refuses_more_than_one_block(group, make):
    device = make(group.create_sandbox(), PASSTHROUGH_ID)
    with pytest.raises(scuff.AudioFormatError, match="at most 512 frames"):
        group.process({device: noise(2, 513)}, device)


def test_unwritten_inputs_are_silent(group, make):
    device = make(group.create_sandbox(), PASSTHROUGH_ID)
    group.render({device: noise(2, 2048)}, device)
    y = group.render({}, device, frames=2048)
    assert not y.any()


def test_render_releases_the_gil(client, make):
    """Another Python thread keeps running while a long render is in native code: with
    the GIL held it could not run at all until the render returned."""
    import threading

    group = client.create_group(sample_rate=48000, block_size=64)
    device = make(group.create_sandbox(), PASSTHROUGH_ID)
    ticks = []
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = len(ticks)
        group.render({device: noise(2, 48000 * 30)}, device)
        during = len(ticks) - before
    finally:
        stop.set()
        counter.join()
    assert during >= 1


def test_without_polling_a_render_is_the_same_and_a_wait_outside_its_range_is_refused(group, make):
    # One sandbox: a connection between two would carry the first render's last block over.
    sandbox = group.create_sandbox()
    first, second = make(sandbox, GAIN_ID), make(sandbox, PASSTHROUGH_ID)
    first.set_param("Gain", -6.0)
    group.connect(first.output(0), second.input(0))
    x = noise(2, 48000 + 77)
    polled = group.render({first: x}, second)
    group.spin_wait = 0
    assert group.spin_wait == 0
    np.testing.assert_array_equal(group.render({first: x}, second), polled)
    for wrong in (-1e-6, 0.5, float("nan")):
        with pytest.raises(scuff.ScuffError, match="spin_wait"):
            group.spin_wait = wrong
    assert group.spin_wait == 0
