"""Path latencies through the graph, and the optional compensation that lines them up."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.test_plugins import LATENCY_ID, LATENCY_SAMPLES, PASSTHROUGH_ID, PLUGINS_FILE, SIDECHAIN_ID

BLOCK = 32


@pytest.fixture
def group(client: scuff.Client) -> scuff.Group:
    return client.create_group(sample_rate=48000, block_size=BLOCK)


@pytest.fixture
def two_paths(group, make):
    """A source feeding a mixer directly (same sandbox) and through a latency device in another
    sandbox, so the two paths into the mixer differ by two blocks plus the device's latency."""
    home = group.create_sandbox()
    source = make(home, PASSTHROUGH_ID)
    mixer = make(home, SIDECHAIN_ID)
    late = make(group.create_sandbox(), LATENCY_ID)
    group.connect(source, mixer.input(0))
    group.connect(source, late)
    group.connect(late, mixer.input(1))
    return source, late, mixer


def impulse(frames: int = 16 * BLOCK) -> np.ndarray:
    x = np.zeros((2, frames), np.float32)
    x[:, 0] = 1.0
    return x


LONG_PATH = 2 * BLOCK + LATENCY_SAMPLES


def test_every_path_has_its_latency(group, two_paths):
    source, late, mixer = two_paths
    assert group.path_latencies(source.input(0), mixer.output(0)) == [0, LONG_PATH]
    assert group.latency(source.input(0), mixer.output(0)) == LONG_PATH
    assert group.latency(source.output(0), late.input(0)) == BLOCK
    assert group.latency(late.input(0), late.output(0)) == LATENCY_SAMPLES
    assert group.latency(source.output(0), mixer.input(1)) == BLOCK + LATENCY_SAMPLES + BLOCK


def test_without_compensation_each_path_arrives_at_its_own_time(group, two_paths):
    source, _, mixer = two_paths
    y = group.render({source: impulse()}, mixer)
    assert sorted(np.flatnonzero(y[0])) == [0, LONG_PATH]


def test_compensation_lines_up_the_paths_into_a_summing_input(group, two_paths):
    source, _, mixer = two_paths
    group.latency_compensation = True
    y = group.render({source: impulse()}, mixer)
    expected = np.zeros_like(y)
    expected[:, LONG_PATH] = 2.0
    np.testing.assert_array_equal(y, expected)
    assert group.path_latencies(source.input(0), mixer.output(0)) == [LONG_PATH]


def test_compensation_can_be_switched_off_again(group, two_paths):
    source, _, mixer = two_paths
    group.latency_compensation = True
    group.latency_compensation = False
    y = group.render({source: impulse()}, mixer)
    assert sorted(np.flatnonzero(y[0])) == [0, LONG_PATH]


def test_compensation_inside_one_sandbox(group, test_plugins):
    sandbox = group.create_sandbox()
    source, late, mixer = (sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=plugin_id)
                           for plugin_id in (PASSTHROUGH_ID, LATENCY_ID, SIDECHAIN_ID))
    group.connect(source, mixer.input(0))
    group.connect(source, late)
    group.connect(late, mixer.input(1))
    group.latency_compensation = True
    y = group.render({source: impulse()}, mixer)
    assert list(np.flatnonzero(y[0])) == [LATENCY_SAMPLES] and y[0, LATENCY_SAMPLES] == 2.0


def test_no_path_raises(group, two_paths):
    source, late, mixer = two_paths
    with pytest.raises(scuff.ScuffError, match="no path"):
        group.latency(mixer.output(0), source.input(0))
    assert group.path_latencies(late.output(0), source.input(0)) == []
