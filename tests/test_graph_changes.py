"""Changing the graph: bad requests raise, and changes made while the group processes take
effect between two cycles without touching the rest of the group."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import MONO_ID

BLOCK = 64


@pytest.fixture
def group(client: scuff.Client) -> scuff.Group:
    return client.create_group(sample_rate=48000, block_size=BLOCK)


def test_connecting_devices_of_two_groups_raises(client, group, make):
    other = client.create_group(sample_rate=48000, block_size=BLOCK)
    here, there = make(group.create_sandbox()), make(other.create_sandbox())
    with pytest.raises(scuff.ScuffError, match="another group"):
        group.connect(here, there)
    with pytest.raises(scuff.ScuffError, match="another group"):
        other.connect(here, there)
    assert group.connections == [] and other.connections == []


def test_connecting_a_missing_port_raises(group, make):
    first, second = make(group.create_sandbox()), make(group.create_sandbox())
    with pytest.raises(scuff.ScuffError, match="no output 1"):
        group.connect(first.output(1), second)
    with pytest.raises(scuff.ScuffError, match="no input 3"):
        group.connect(first, second.input(3))


def test_ports_must_go_from_an_output_to_an_input(group, make):
    first, second = make(group.create_sandbox()), make(group.create_sandbox())
    with pytest.raises(scuff.ScuffError, match="not an output port"):
        group.connect(first.input(0), second.input(0))
    with pytest.raises(scuff.ScuffError, match="not an input port"):
        group.connect(first.output(0), second.output(0))


def test_the_same_connection_twice_raises(group, make):
    first, second = make(group.create_sandbox()), make(group.create_sandbox())
    group.connect(first, second)
    with pytest.raises(scuff.ScuffError, match="already exists"):
        group.connect(first.output(0), second.input(0))
    assert len(group.connections) == 1


def test_disconnecting_what_is_not_connected_raises(group, make):
    first, second = make(group.create_sandbox()), make(group.create_sandbox())
    with pytest.raises(scuff.ScuffError, match="no connection"):
        group.disconnect(first, second)


def test_connections_are_listed_in_the_order_they_were_made(group, make):
    sandbox = group.create_sandbox()
    first, second, third = make(sandbox), make(sandbox), make(sandbox, MONO_ID)
    group.connect(second, third)
    group.connect(first, second)
    assert [(c.source.device, c.target.device) for c in group.connections] == [(second, third), (first, second)]


@pytest.mark.parametrize("same_sandbox", [True, False], ids=["same sandbox", "other sandboxes"])
def test_graph_changes_while_processing_leave_other_devices_bit_exact(group, make, same_sandbox):
    """One thread processes block after block, as an audio callback would, while another
    connects and disconnects a pair of devices again and again."""
    steady_sandbox = group.create_sandbox()
    changing_sandbox = steady_sandbox if same_sandbox else group.create_sandbox()
    steady_first, steady_second = make(steady_sandbox), make(group.create_sandbox())
    group.connect(steady_first, steady_second)
    changing_first, changing_second = make(changing_sandbox), make(changing_sandbox)
    blocks = 400
    x = noise(2, blocks * BLOCK)
    steady_out = np.zeros_like(x)
    done = threading.Event()
    changes = 0

    def keep_changing() -> None:
        nonlocal changes
        while not done.is_set():
            group.connect(changing_first, changing_second)
            group.disconnect(changing_first, changing_second)
            changes += 1

    changer = threading.Thread(target=keep_changing)
    changer.start()
    try:
        for block in range(blocks):
            span = slice(block * BLOCK, (block + 1) * BLOCK)
            steady_out[:, span] = group.process(
                {steady_first: x[:, span], changing_first: x[:, span]}, steady_second)
    finally:
        done.set()
        changer.join()
    assert changes > 1
    expected = np.zeros_like(x)
    expected[:, BLOCK:] = x[:, :-BLOCK]
    np.testing.assert_array_equal(steady_out, expected)
