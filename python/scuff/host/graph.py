"""Graph compilation: from a group's connections to what each sandbox runs and what the
client copies between sandboxes.

Inside a sandbox a connection is read in the same cycle, so the sandbox runs its devices
in a topological order of its own connections. A loop inside one sandbox cannot be run
that way: the connection that closes it (found by a depth-first walk from the devices in
the order they were created, following connections in the order they were made) is
delayed by one block. A connection between sandboxes always carries the previous cycle.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from .device import Device
from .ports import InputPort, NoteInputPort, NoteOutputPort, OutputPort

if TYPE_CHECKING:
    from .sandbox import Sandbox

Node = TypeVar("Node", bound=Hashable)


@dataclass(frozen=True)
class Connection:
    """A connection from an output port to an input port of the same group: audio, or
    events between note ports."""

    source: OutputPort | NoteOutputPort
    target: InputPort | NoteInputPort

    @property
    def notes(self) -> bool:
        return isinstance(self.source, NoteOutputPort)

    def __repr__(self) -> str:
        kind = "note " if self.notes else ""
        return (f"<scuff.Connection device {self.source.device.id} {kind}output {self.source.index} -> "
                f"device {self.target.device.id} {kind}input {self.target.index}>")


@dataclass(frozen=True)
class PlannedConnection:
    """A connection as compiled: whether it reads the previous cycle, and how many frames
    of latency compensation it adds."""

    connection: Connection
    # Reads the source's output of the previous cycle (between sandboxes, or closing a loop).
    delayed: bool
    compensation: int = 0


@dataclass(frozen=True)
class SandboxPlan:
    """What one sandbox runs each cycle."""

    order: tuple[Device, ...]
    connections: tuple[PlannedConnection, ...]


@dataclass(frozen=True)
class GraphPlan:
    sandboxes: dict[Sandbox, SandboxPlan]
    # Connections between sandboxes, which the client copies before each cycle.
    routes: tuple[PlannedConnection, ...]


def channels_connectable(source: int, target: int) -> bool:
    """Equal channel counts connect one to one; a mono side connects to any count (a mono
    output feeds every input channel, a mono input sums every output channel)."""
    return source > 0 and target > 0 and (source == target or 1 in (source, target))


def loop_closing_edges(nodes: Sequence[Node], edges: Sequence[tuple[Node, Node]]) -> set[int]:
    """Indexes of the edges that close a loop: the back edges of a depth-first walk that
    starts from `nodes` in order and follows `edges` in order."""
    outgoing: dict[Node, list[int]] = {node: [] for node in nodes}
    for index, (source, _) in enumerate(edges):
        outgoing[source].append(index)
    on_path: set[Node] = set()
    visited: set[Node] = set()
    closing: set[int] = set()
    for root in nodes:
        if root in visited:
            continue
        # An explicit stack, so long chains do not hit the recursion limit.
        visited.add(root)
        on_path.add(root)
        stack = [(root, iter(outgoing[root]))]
        while stack:
            node, pending = stack[-1]
            edge = next(pending, None)
            if edge is None:
                on_path.discard(node)
                stack.pop()
                continue
            target = edges[edge][1]
            if target in on_path:
                closing.add(edge)
            elif target not in visited:
                visited.add(target)
                on_path.add(target)
                stack.append((target, iter(outgoing[target])))
    return closing


def topological_order(nodes: Sequence[Node], edges: Sequence[tuple[Node, Node]]) -> list[Node]:
    """The nodes ordered so that every edge runs forward (the edges must not form a loop);
    among nodes free to go first, the earliest in `nodes` goes first."""
    rank = {node: position for position, node in enumerate(nodes)}
    waiting_for = {node: 0 for node in nodes}
    outgoing: dict[Node, list[Node]] = {node: [] for node in nodes}
    for source, target in edges:
        outgoing[source].append(target)
        waiting_for[target] += 1
    ready = [rank[node] for node in nodes if waiting_for[node] == 0]
    heapq.heapify(ready)
    order: list[Node] = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        order.append(node)
        for target in outgoing[node]:
            waiting_for[target] -= 1
            if waiting_for[target] == 0:
                heapq.heappush(ready, rank[target])
    if len(order) != len(nodes):
        raise ValueError("the edges form a loop")
    return order


def compile_graph(devices: Sequence[Device], connections: Sequence[Connection], *, block_size: int,
                  compensate: bool = False) -> GraphPlan:
    """Each sandbox's plan and the routes between sandboxes. `devices` are every device
    of the group in creation order; `connections` in the order they were made."""
    delayed: dict[Connection, bool] = {}
    sandboxes: dict[Sandbox, list[Device]] = {}
    for device in devices:
        sandboxes.setdefault(device.sandbox, []).append(device)
    orders: dict[Sandbox, list[Device]] = {}
    for sandbox, members in sandboxes.items():
        inside = [c for c in connections
                  if c.source.device.sandbox is sandbox and c.target.device.sandbox is sandbox]
        edges = [(c.source.device, c.target.device) for c in inside]
        closing = loop_closing_edges(members, edges)
        for index, connection in enumerate(inside):
            delayed[connection] = index in closing
        orders[sandbox] = topological_order(
            members, [edge for index, edge in enumerate(edges) if index not in closing])
    for connection in connections:
        delayed.setdefault(connection, True)
    compensation = (_compensation(devices, connections, delayed, block_size) if compensate
                    else dict.fromkeys(connections, 0))
    planned = {c: PlannedConnection(c, delayed[c], compensation[c]) for c in connections}
    plans = {
        sandbox: SandboxPlan(
            tuple(orders[sandbox]),
            tuple(planned[c] for c in connections
                  if c.source.device.sandbox is sandbox and c.target.device.sandbox is sandbox))
        for sandbox in sandboxes}
    routes = tuple(planned[c] for c in connections if c.source.device.sandbox is not c.target.device.sandbox)
    return GraphPlan(plans, routes)


def connection_delay(delayed: bool, block_size: int) -> int:
    """Frames a connection itself adds: one block when it reads the previous cycle."""
    return block_size if delayed else 0


def _compensation(devices: Sequence[Device], connections: Sequence[Connection],
                  delayed: dict[Connection, bool], block_size: int) -> dict[Connection, int]:
    """Delays that line up every signal arriving at one device. A signal's arrival is the
    latency of the longest path to it from the host; connections that close a loop in the
    group are left alone, since no delay can line a loop up. Note connections take no delay."""
    result = dict.fromkeys(connections, 0)
    connections = [c for c in connections if not c.notes]
    edges = [(c.source.device, c.target.device) for c in connections]
    closing = loop_closing_edges(devices, edges)
    forward = [c for index, c in enumerate(connections) if index not in closing]
    order = topological_order(devices, [(c.source.device, c.target.device) for c in forward])
    arrival = dict.fromkeys(devices, 0)

    def leaving(connection: Connection) -> int:
        source = connection.source.device
        return arrival[source] + source.latency + connection_delay(delayed[connection], block_size)

    for device in order:
        for connection in forward:
            if connection.target.device is device:
                arrival[device] = max(arrival[device], leaving(connection))
    for connection in forward:
        result[connection] = arrival[connection.target.device] - leaving(connection)
    return result


Port = InputPort | OutputPort | NoteInputPort | NoteOutputPort


def path_latencies(source: Port, target: Port, connections: Sequence[PlannedConnection], block_size: int) -> list[int]:
    """The latency in frames of every path (visiting no device twice) from `source` to
    `target`, sorted and without repeats. A path from an input port (audio or note) starts
    before its device; a path to an output port ends after its device."""
    outgoing: dict[Device, list[PlannedConnection]] = {}
    for planned in connections:
        outgoing.setdefault(planned.connection.source.device, []).append(planned)
    found: set[int] = set()
    start = source.device
    inputs, outputs = (InputPort, NoteInputPort), (OutputPort, NoteOutputPort)
    initial = start.latency if isinstance(source, inputs) else 0
    if isinstance(source, inputs) and isinstance(target, outputs) and target.device is start:
        found.add(initial)

    def walk(device: Device, latency: int, visited: frozenset[Device],
             leaves_by: Callable[[PlannedConnection], bool]) -> None:
        for planned in outgoing.get(device, []):
            if not leaves_by(planned):
                continue
            connection = planned.connection
            arrived = latency + connection_delay(planned.delayed, block_size) + planned.compensation
            reached = connection.target.device
            if isinstance(target, inputs) and connection.target == target:
                found.add(arrived)
            if reached in visited:
                continue
            through = arrived + reached.latency
            if isinstance(target, outputs) and target.device is reached:
                found.add(through)
            walk(reached, through, visited | {reached}, lambda _: True)

    if isinstance(source, outputs):
        walk(start, initial, frozenset({start}), lambda planned: planned.connection.source == source)
    else:
        walk(start, initial, frozenset({start}), lambda _: True)
    return sorted(found)


def upstream_devices(devices: Sequence[Device], connections: Sequence[Connection]) -> set[Device]:
    """`devices` and every device whose output reaches one of them through connections
    (audio or notes, delayed or not): the devices whose blocks their outputs depend on."""
    feeding: dict[Device, list[Device]] = {}
    for connection in connections:
        feeding.setdefault(connection.target.device, []).append(connection.source.device)
    found = set(devices)
    waiting = list(devices)
    while waiting:
        for source in feeding.get(waiting.pop(), []):
            if source not in found:
                found.add(source)
                waiting.append(source)
    return found
