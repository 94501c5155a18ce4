"""Graph compilation on its own, without processes: plan order, loop-closing connections,
routes between sandboxes, compensation delays and path latencies."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scuff.host.graph import (
    Connection,
    channels_connectable,
    compile_graph,
    loop_closing_edges,
    path_latencies,
    topological_order,
)
from scuff.host.ports import InputPort, OutputPort

BLOCK = 100

pytestmark = pytest.mark.pure


@dataclass(eq=False)
class FakeDevice:
    """What compilation reads of a device: its id, sandbox, latency and port channel counts."""

    id: int
    sandbox: str
    latency: int = 0
    inputs: tuple[int, ...] = (2, 2)
    outputs: tuple[int, ...] = (2,)


def devices(*sandboxes: str, latencies: dict[int, int] | None = None) -> list[FakeDevice]:
    latencies = latencies or {}
    return [FakeDevice(i, s, latencies.get(i, 0)) for i, s in enumerate(sandboxes)]


def wire(made: list[FakeDevice], *pairs: tuple[int, int]) -> list[Connection]:
    return [Connection(OutputPort(made[a], 0), InputPort(made[b], 0)) for a, b in pairs]


def test_channel_counts_connect_when_equal_or_when_one_side_is_mono():
    assert channels_connectable(2, 2) and channels_connectable(6, 6)
    assert channels_connectable(1, 2) and channels_connectable(8, 1)
    assert not channels_connectable(2, 4) and not channels_connectable(4, 2)
    assert not channels_connectable(0, 1)


def test_loop_closing_edges_are_the_back_edges_of_a_walk_in_creation_order():
    assert loop_closing_edges("abc", [("a", "b"), ("b", "c")]) == set()
    assert loop_closing_edges("abc", [("a", "b"), ("b", "c"), ("c", "a")]) == {2}
    assert loop_closing_edges("abc", [("c", "a"), ("a", "b"), ("b", "c")]) == {0}
    assert loop_closing_edges("ab", [("a", "a")]) == {0}
    # A diamond is no loop.
    assert loop_closing_edges("abcd", [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]) == set()


def test_long_chains_do_not_hit_the_recursion_limit():
    nodes = list(range(5000))
    edges = [(i, i + 1) for i in range(4999)] + [(4999, 0)]
    assert loop_closing_edges(nodes, edges) == {4999}
    assert topological_order(nodes, edges[:-1]) == nodes


def test_topological_order_keeps_creation_order_where_it_is_free():
    assert topological_order("abcd", [("d", "a")]) == ["b", "c", "d", "a"]
    assert topological_order("abc", []) == ["a", "b", "c"]
    with pytest.raises(ValueError):
        topological_order("ab", [("a", "b"), ("b", "a")])


def test_plan_orders_each_sandbox_and_routes_the_rest():
    made = devices("red", "red", "blue", "red")
    connections = wire(made, (3, 0), (0, 2), (2, 1))
    plan = compile_graph(made, connections, block_size=BLOCK)
    assert plan.sandboxes["red"].order == (made[1], made[3], made[0])
    assert [c.connection for c in plan.sandboxes["red"].connections] == [connections[0]]
    assert not plan.sandboxes["red"].connections[0].delayed
    assert [c.connection for c in plan.routes] == connections[1:]
    assert all(c.delayed for c in plan.routes)


def test_a_loop_inside_a_sandbox_delays_only_the_closing_connection():
    made = devices("red", "red", "red")
    connections = wire(made, (0, 1), (1, 2), (2, 0))
    plan = compile_graph(made, connections, block_size=BLOCK)
    assert [c.delayed for c in plan.sandboxes["red"].connections] == [False, False, True]
    assert plan.sandboxes["red"].order == tuple(made)


def test_a_loop_through_two_sandboxes_needs_no_delay_inside_either():
    made = devices("red", "blue", "red")
    connections = wire(made, (0, 2), (2, 1), (1, 0))
    plan = compile_graph(made, connections, block_size=BLOCK)
    assert [c.delayed for c in plan.sandboxes["red"].connections] == [False]


def test_compensation_delays_the_shorter_paths_into_one_device():
    made = devices("red", "blue", "red", latencies={1: 7})
    connections = wire(made, (0, 2), (0, 1), (1, 2))
    plan = compile_graph(made, connections, block_size=BLOCK, compensate=True)
    delays = {c.connection: c.compensation for c in (*plan.sandboxes["red"].connections, *plan.routes)}
    assert delays == {connections[0]: 2 * BLOCK + 7, connections[1]: 0, connections[2]: 0}
    compiled = [*plan.sandboxes["red"].connections, *plan.routes]
    assert path_latencies(InputPort(made[0], 0), OutputPort(made[2], 0), compiled, BLOCK) == [2 * BLOCK + 7]


def test_compensation_leaves_loops_alone():
    made = devices("red", "red")
    connections = wire(made, (0, 1), (1, 0))
    plan = compile_graph(made, connections, block_size=BLOCK, compensate=True)
    assert [c.compensation for c in plan.sandboxes["red"].connections] == [0, 0]


def test_path_latencies_follow_every_simple_path():
    made = devices("red", "blue", "red", latencies={0: 3, 1: 5, 2: 11})
    connections = wire(made, (0, 1), (1, 2), (0, 2))
    compiled = [*compile_graph(made, connections, block_size=BLOCK).routes,
                *compile_graph(made, connections, block_size=BLOCK).sandboxes["red"].connections]
    start, end = InputPort(made[0], 0), OutputPort(made[2], 0)
    assert path_latencies(start, end, compiled, BLOCK) == [3 + 11, 3 + BLOCK + 5 + BLOCK + 11]
    assert path_latencies(OutputPort(made[0], 0), InputPort(made[2], 0), compiled, BLOCK) == [0, 2 * BLOCK + 5]
    assert path_latencies(InputPort(made[1], 0), OutputPort(made[1], 0), compiled, BLOCK) == [5]
    assert path_latencies(OutputPort(made[2], 0), InputPort(made[0], 0), compiled, BLOCK) == []
