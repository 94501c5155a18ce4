"""Random graphs over several sandboxes, processed by scuff and by a small model of the
documented semantics, agree cycle by cycle.

The model: every cycle, each input port holds what the host wrote there plus every
connection into it. A connection between two sandboxes carries its source's output of the
previous cycle; so does a connection that closes a loop inside one sandbox (found by a
depth-first walk from the devices in creation order, following connections in the order
they were made); any other connection inside a sandbox carries the source's output of the
same cycle. A shorter previous cycle leaves silence after its end. Channels: equal counts map
one to one, a mono output feeds every input channel, a mono input sums every output channel.
The signals are small integers, so every sum is exact whatever its order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scuff
from support.test_plugins import (
    LATENCY_ID,
    LATENCY_SAMPLES,
    MONO_ID,
    PASSTHROUGH_ID,
    SIDECHAIN_ID,
)

BLOCK = 16


@dataclass(frozen=True)
class Kind:
    plugin_id: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


KINDS = {
    "passthrough": Kind(PASSTHROUGH_ID, (2,), (2,)),
    "mono": Kind(MONO_ID, (1,), (1,)),
    "sidechain": Kind(SIDECHAIN_ID, (2, 2), (2,)),  # output = main + sidechain
    "latency": Kind(LATENCY_ID, (2,), (2,)),  # output = input, LATENCY_SAMPLES later
}


@dataclass
class ModelDevice:
    kind: str
    sandbox: int
    last_output: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), np.float32))
    delay_line: np.ndarray = field(default_factory=lambda: np.zeros((2, LATENCY_SAMPLES), np.float32))


Edge = tuple[int, int, int]  # source device, target device, target port (every source uses output 0)


def add_into(signal: np.ndarray, source: np.ndarray) -> None:
    """Adds `source` into `signal` as a connection does: channel to channel, a mono source
    into every channel, and into a mono input each source channel in channel order (which
    rounds differently from adding their sum once values grow large)."""
    if source.shape[0] == signal.shape[0] or source.shape[0] == 1:
        signal += source
    else:
        for channel in source:
            signal[0] += channel


def loop_closing(devices: list[ModelDevice], edges: list[Edge]) -> set[Edge]:
    """Edges inside one sandbox that close a loop of that sandbox's connections."""
    closing: set[Edge] = set()
    for sandbox in {d.sandbox for d in devices}:
        inside = [e for e in edges if devices[e[0]].sandbox == sandbox == devices[e[1]].sandbox]
        state: dict[int, str] = {}

        def visit(node: int, inside: list[Edge] = inside, state: dict[int, str] = state) -> None:
            state[node] = "open"
            for edge in inside:
                if edge[0] != node:
                    continue
                if state.get(edge[1]) == "open":
                    closing.add(edge)
                elif edge[1] not in state:
                    visit(edge[1])
            state[node] = "done"

        for index, device in enumerate(devices):
            if device.sandbox == sandbox and index not in state:
                visit(index)
    return closing


def model_cycle(devices: list[ModelDevice], edges: list[Edge], host: dict[tuple[int, int], np.ndarray],
                frames: int) -> list[np.ndarray]:
    closing = loop_closing(devices, edges)
    outputs: dict[int, np.ndarray] = {}

    def previous(index: int) -> np.ndarray:
        last = devices[index].last_output
        block = np.zeros((last.shape[0], frames), np.float32)
        kept = min(frames, last.shape[1])
        block[:, :kept] = last[:, :kept]
        return block

    def same_cycle(edge: Edge) -> bool:
        return devices[edge[0]].sandbox == devices[edge[1]].sandbox and edge not in closing

    def compute(index: int) -> np.ndarray:
        if index in outputs:
            return outputs[index]
        device = devices[index]
        kind = KINDS[device.kind]
        inputs = []
        for port, channels in enumerate(kind.inputs):
            signal = host.get((index, port), np.zeros((channels, frames), np.float32)).copy()
            into = [edge for edge in edges if edge[1] == index and edge[2] == port]
            across = [e for e in into if devices[e[0]].sandbox != device.sandbox]
            looping = [e for e in into if e not in across and not same_cycle(e)]
            # The order docs/graph.md gives: other sandboxes', loops' (previous cycle), then
            # this cycle's, each in the order made.
            for edge in [*across, *looping]:
                add_into(signal, previous(edge[0]))
            for edge in into:
                if same_cycle(edge):
                    add_into(signal, compute(edge[0]))
            inputs.append(signal)
        if device.kind == "sidechain":
            out = inputs[0] + inputs[1]
        elif device.kind == "latency":
            stream = np.concatenate([device.delay_line, inputs[0]], axis=1)
            out, device.delay_line = stream[:, :frames], stream[:, frames:]
        else:
            out = inputs[0]
        outputs[index] = out
        return out

    results = [compute(index) for index in range(len(devices))]
    for device, out in zip(devices, results, strict=True):
        device.last_output = out
    return results


@st.composite
def scenarios(draw):
    sandbox_count = draw(st.integers(1, 3))
    devices = draw(st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(0, sandbox_count - 1)),
                            min_size=2, max_size=5))
    possible = [(s, t, p) for s in range(len(devices)) for t in range(len(devices))
                for p in range(len(KINDS[devices[t][0]].inputs))]
    stages = draw(st.lists(
        st.tuples(st.lists(st.sampled_from(possible), unique=True, max_size=6),
                  st.lists(st.integers(1, BLOCK), min_size=1, max_size=4)),
        min_size=1, max_size=3))
    seed = draw(st.integers(0, 2**32 - 1))
    return sandbox_count, devices, stages, seed


@pytest.fixture(scope="module")
def module_client():
    with scuff.Client() as client:
        yield client


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_random_graphs_match_the_model_cycle_by_cycle(module_client, make, scenario):
    sandbox_count, device_specs, stages, seed = scenario
    rng = np.random.default_rng(seed)
    group = module_client.create_group(sample_rate=48000, block_size=BLOCK)
    try:
        sandboxes = [group.create_sandbox() for _ in range(sandbox_count)]
        devices = [make(sandboxes[s], KINDS[k].plugin_id) for k, s in device_specs]
        model = [ModelDevice(k, s) for k, s in device_specs]
        edges: list[Edge] = []
        for wanted, cycle_frames in stages:
            # Make the graph what this stage asks for: drop what is not wanted, add the rest.
            for edge in [e for e in edges if e not in wanted]:
                group.disconnect(devices[edge[0]].output(0), devices[edge[1]].input(edge[2]))
                edges.remove(edge)
            for edge in wanted:
                if edge not in edges:
                    group.connect(devices[edge[0]].output(0), devices[edge[1]].input(edge[2]))
                    edges.append(edge)
            for frames in cycle_frames:
                host = {}
                for index, (kind, _) in enumerate(device_specs):
                    for port, channels in enumerate(KINDS[kind].inputs):
                        if rng.random() < 0.5:
                            host[(index, port)] = rng.integers(-4, 5, (channels, frames)).astype(np.float32)
                got = group.process({devices[i].input(p): x for (i, p), x in host.items()},
                                    [device.output(0) for device in devices], frames=frames)
                expected = model_cycle(model, edges, host, frames)
                for index, (actual, wanted_out) in enumerate(zip(got, expected, strict=True)):
                    np.testing.assert_array_equal(
                        actual, wanted_out,
                        err_msg=f"device {index} ({device_specs[index]}), edges {edges}, frames {frames}")
    finally:
        group.close()
