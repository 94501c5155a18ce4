"""A group: sandboxes processed together, one audio cycle at a time."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias, cast, overload

import numpy as np

from .._native import ChunkMemory, DeviceMemory, Engine
from ..confine.limits import SandboxLimits
from ..errors import AudioFormatError, SandboxError, ScuffError
from ..events.layout import RECORD
from ..events.notes import Event
from ..events.records import block_counts, to_records
from ..wire import requests
from .async_forms import GroupAsync
from .chunking import CHUNK_BUDGET, MAX_CHUNK_BLOCKS, chunked_by_default, max_chunk_blocks_by_default, sandbox_chunk
from .device import Device
from .graph import (
    Connection,
    GraphPlan,
    PlannedConnection,
    SandboxPlan,
    channels_connectable,
    compile_graph,
    path_latencies,
    upstream_devices,
)
from .ports import InputPort, NoteInputPort, NoteOutputPort, OutputPort
from .sandbox import Sandbox
from .sessions import GroupSessions
from .status import RestartPolicy
from .transport import Transport

if TYPE_CHECKING:
    from .client import Client

# What names a port: the port, or a device for its port 0.
InputKey: TypeAlias = "InputPort | Device"
OutputKey: TypeAlias = "OutputPort | Device"
# Audio for input ports, shaped (channels, frames). Mapping is invariant in its keys, so a
# dict keyed by ports only, or by devices only, is named here too.
Inputs: TypeAlias = (
    "Mapping[InputPort, np.ndarray] | Mapping[Device, np.ndarray] | Mapping[InputPort | Device, np.ndarray]")
# Events for note inputs (a device stands for its first), likewise.
EventMap: TypeAlias = (
    "Mapping[NoteInputPort, Sequence[Event]] | Mapping[Device, Sequence[Event]] "
    "| Mapping[NoteInputPort | Device, Sequence[Event]]")

# Any port, audio or note, as latency() takes them.
Port: TypeAlias = "InputPort | OutputPort | NoteInputPort | NoteOutputPort"

# Room in a device's event ring for one block (EventRing in shared_layout.hpp).
EVENTS_PER_BLOCK = 1024

log = logging.getLogger("scuff")


class Group(GroupSessions, GroupAsync):
    """Sandboxes whose devices are processed together at one sample rate and block size.

    Created with `Client.create_group`.
    """

    def __init__(self, client: Client, sample_rate: float, block_size: int,
                 cycle_timeout: float, unresponsive_after: int = 3) -> None:
        if not sample_rate > 0:
            raise ScuffError(f"sample_rate must be positive, not {sample_rate!r}")
        if not 1 <= block_size <= 65536:
            raise ScuffError(f"block_size must be between 1 and 65536, not {block_size!r}")
        self.client = client
        self.sample_rate = float(sample_rate)
        self.block_size = int(block_size)
        self._engine = Engine(self.block_size, self.sample_rate)
        self._offline = False
        self._engine.cycle_timeout = cycle_timeout
        # Audio cycles a sandbox may miss in a row before it counts as unresponsive.
        self.unresponsive_after = int(unresponsive_after)
        self._sandboxes: list[Sandbox] = []
        self._lock = threading.Lock()
        self._closed = False
        # The device graph: changed under _graph_lock, compiled and sent on every change.
        self._graph_lock = threading.RLock()
        self._connections: list[Connection] = []
        self._latency_compensation = False
        self._plan = GraphPlan({}, ())
        self._sent_plans: dict[Sandbox, SandboxPlan] = {}
        # The scuff.live.JackHost playing the group, which then runs its cycles.
        self._live: object | None = None
        # Chunked renders (docs/graph.md, "Chunked rendering"): whether render() chunks when
        # it does not say, the memory each sandbox's chunk segment may take, and the most
        # blocks per chunk.
        self.chunked_render = chunked_by_default()
        self.chunk_budget = CHUNK_BUDGET
        self.max_chunk_blocks = max_chunk_blocks_by_default()
        # Sending chunk segments and running on them is one step for each render.
        self._render_lock = threading.Lock()

    def __repr__(self) -> str:
        return (f"<scuff.Group {self.sample_rate:g} Hz, {self.block_size} frames, "
                f"{len(self._sandboxes)} sandbox(es)>")

    @property
    def sandboxes(self) -> list[Sandbox]:
        return list(self._sandboxes)

    @property
    def cycle_timeout(self) -> float:
        """How long (seconds) one audio cycle waits for a sandbox before it goes on without it."""
        return self._engine.cycle_timeout

    @cycle_timeout.setter
    def cycle_timeout(self, seconds: float) -> None:
        self._engine.cycle_timeout = float(seconds)

    @property
    def spin_wait(self) -> float:
        """How long (seconds) the client and each sandbox poll for the other's signal before
        they sleep on it: on a free core, polling saves a wake-up per block. When every core
        renders (a batch with a worker per core), the polling takes the cores the other
        workers' plugins need: 0 sleeps at once."""
        return self._engine.client_spin_ns / 1e9

    @spin_wait.setter
    def spin_wait(self, seconds: float) -> None:
        if not 0 <= seconds <= 0.01:
            raise ScuffError(f"spin_wait is between 0 and 0.01 s, not {seconds!r}")
        self._engine.client_spin_ns = self._engine.sandbox_spin_ns = round(seconds * 1e9)

    @property
    def transport(self) -> Transport:
        """The musical time every device of the group is given with each block; change its
        tempo, time signature, loop, position and play state here."""
        return Transport(self._engine)

    @property
    def offline(self) -> bool:
        """When True, plugins are told they render offline (CLAP render extension, VST3
        kOffline): they may take as long as they need and use their best quality."""
        return self._offline

    @offline.setter
    def offline(self, offline: bool) -> None:
        self._offline = bool(offline)
        for sandbox in self.sandboxes:
            if sandbox.state in ("starting", "running"):
                sandbox.request(requests.set_process_mode(self._offline))

    def panic(self) -> None:
        """Every note sent to any device of the group stops at the first frame of the next
        block (each device is sent the note-offs of the notes it is holding)."""
        self._engine.panic()

    def create_sandbox(self, *, restart_policy: RestartPolicy | None = None,
                       limits: SandboxLimits | None = None) -> Sandbox:
        """Starts a new scuff-sbox process in this group. With a `restart_policy`, the
        sandbox restarts by itself after a crash or when it is unresponsive. `limits` says
        what it may do (by default the client's `default_limits`); `sandbox.confinement`
        tells what this machine enforces."""
        if self._closed:
            raise ScuffError("the group is closed")
        sandbox = Sandbox(self, restart_policy, limits)
        with self._lock:
            self._sandboxes.append(sandbox)
        return sandbox

    # --- the device graph ---

    @property
    def connections(self) -> list[Connection]:
        """Every audio connection of the group, in the order they were made."""
        return list(self._connections)

    def connect(self, source: OutputKey, target: InputKey) -> Connection:
        """Connects an output port to an input port of any device of this group.

        Inside one sandbox the target reads the source in the same cycle; between two
        sandboxes it reads the source's previous cycle. Everything connected to one input
        is summed, with what the host writes there. Ports of equal channel counts connect
        channel by channel; a mono output feeds every channel of the input; a mono input
        receives the sum of every channel of the output; other pairs raise AudioFormatError.
        """
        connection = self._connection(source, target)
        if isinstance(connection.source, OutputPort) and isinstance(connection.target, InputPort):
            source_channels, target_channels = connection.source.channels, connection.target.channels
            if not channels_connectable(source_channels, target_channels):
                raise AudioFormatError(
                    f"output {connection.source.index} of {connection.source.device.name} has {source_channels} "
                    f"channels and input {connection.target.index} of {connection.target.device.name} has "
                    f"{target_channels}; only equal counts, or mono on one side, can connect")
        with self._graph_lock:
            if connection in self._connections:
                raise ScuffError(f"{connection!r} already exists")
            self._connections.append(connection)
            try:
                self._apply_graph()
            except BaseException:
                self._connections.remove(connection)
                self._apply_graph()
                raise
        return connection

    @property
    def planned_connections(self) -> list[PlannedConnection]:
        """Every connection as the graph compiled it: whether it reads the previous cycle
        (between sandboxes, or closing a loop inside one) and the compensation it adds."""
        with self._graph_lock:
            plan = self._plan
        planned = [c for sandbox_plan in plan.sandboxes.values() for c in sandbox_plan.connections]
        return [*planned, *plan.routes]

    def disconnect(self, source: OutputKey, target: InputKey) -> None:
        """Removes the connection from `source` to `target`."""
        connection = self._connection(source, target)
        with self._graph_lock:
            if connection not in self._connections:
                raise ScuffError(f"there is no connection {connection!r}")
            self._connections.remove(connection)
            self._apply_graph()

    @property
    def latency_compensation(self) -> bool:
        """When on, connections get delay lines so that everything summed into one input
        arrives with the same latency (loops are left alone). Off by default."""
        return self._latency_compensation

    @latency_compensation.setter
    def latency_compensation(self, enabled: bool) -> None:
        with self._graph_lock:
            self._latency_compensation = bool(enabled)
            self._apply_graph()

    def latency(self, source: InputKey | OutputKey | Port, target: InputKey | OutputKey | Port) -> int:
        """Latency in frames from `source` to `target` along the graph: each device's
        reported latency, one block for every connection that reads the previous cycle,
        and any compensation delay. A path from an input port starts before its device (as
        the host writes it); a path to an output port ends after its device (as the host
        reads it). Of several paths, the longest. Raises ScuffError when there is none."""
        latencies = self.path_latencies(source, target)
        if not latencies:
            raise ScuffError(f"no path leads from {source!r} to {target!r}")
        return latencies[-1]

    def path_latencies(self, source: InputKey | OutputKey | Port, target: InputKey | OutputKey | Port) -> list[int]:
        """The latency of every path from `source` to `target`, sorted, without repeats."""
        source_port = self._any_port(source, prefer_output=True)
        target_port = self._any_port(target, prefer_output=False)
        return path_latencies(source_port, target_port, self.planned_connections, self.block_size)

    def _connection(self, source: object, target: object) -> Connection:
        """Audio ports connect to audio ports, note ports to note ports."""
        if isinstance(source, NoteOutputPort) or isinstance(target, NoteInputPort):
            if not (isinstance(source, NoteOutputPort) and isinstance(target, NoteInputPort)):
                raise AudioFormatError(f"a note output connects only to a note input, not {source!r} to {target!r}")
            self._check_member(source.device)
            self._check_member(target.device)
            return Connection(source, target)
        return Connection(self._output_port(source), self._input_port(target))

    def _any_port(self, key: object, *, prefer_output: bool) -> Port:
        if isinstance(key, Device):
            key = key.output(0) if prefer_output else key.input(0)
        if not isinstance(key, (InputPort, OutputPort, NoteInputPort, NoteOutputPort)):
            raise AudioFormatError(f"{key!r} is not a port")
        self._check_member(key.device)
        return key

    def _apply_graph(self) -> None:
        """Compiles the graph and sends each sandbox whose plan changed its new plan, then
        swaps the routes between sandboxes."""
        with self._graph_lock:
            devices = sorted((d for s in self._sandboxes if s.state != "stopped" for d in s.devices),
                             key=lambda device: device.id)
            plan = compile_graph(devices, self._connections, block_size=self.block_size,
                                 compensate=self._latency_compensation)
            for sandbox in self._sandboxes:
                sandbox_plan = plan.sandboxes.get(sandbox, SandboxPlan((), ()))
                if self._sent_plans.get(sandbox) != sandbox_plan and sandbox.state in ("starting", "running"):
                    self._send_plan(sandbox, sandbox_plan)
            self._engine.set_routes([
                (r.connection.source.device._memory, r.connection.source.index,
                 r.connection.target.device._memory, r.connection.target.index, r.compensation,
                 r.connection.notes)
                for r in plan.routes])
            self._plan = plan

    def _send_plan(self, sandbox: Sandbox, plan: SandboxPlan) -> None:
        connections = [
            requests.PlanConnection(
                c.connection.source.device.id, c.connection.source.index,
                c.connection.target.device.id, c.connection.target.index, c.delayed, c.compensation,
                c.connection.notes)
            for c in plan.connections]
        sandbox.request(requests.set_plan([device.id for device in plan.order], connections))
        self._sent_plans[sandbox] = plan

    @contextlib.contextmanager
    def _sending_plans_paused(self, sandbox: Sandbox) -> Iterator[None]:
        """While a sandbox's process is replaced: no plan is sent to any sandbox, and the new
        process, which knows none, is sent this sandbox's plan once it is there."""
        with self._graph_lock:
            try:
                yield
            finally:
                self._sent_plans.pop(sandbox, None)
        self._resend_plan(sandbox)

    def _resend_plan(self, sandbox: Sandbox) -> None:
        """After a sandbox restarted: it knows no plan yet."""
        with self._graph_lock:
            self._sent_plans.pop(sandbox, None)
            self._apply_graph()

    def _forget_devices(self, devices: Sequence[Device]) -> None:
        """Drops the connections of devices that are going away, and recompiles."""
        with self._graph_lock:
            self._connections = [c for c in self._connections
                                 if c.source.device not in devices and c.target.device not in devices]
            if not self._closed:
                self._apply_graph()

    def _forget_sandbox(self, sandbox: Sandbox) -> None:
        """A closed sandbox leaves the group, so that its shared memory can be freed."""
        with self._graph_lock:
            self._sent_plans.pop(sandbox, None)
            self._forget_devices(sandbox.devices)
        with self._lock:
            if sandbox in self._sandboxes:
                self._sandboxes.remove(sandbox)

    def _latency_changed(self) -> None:
        """Event-loop thread: a device reported a new latency. Compensation is recompiled
        in the background, since sending plans waits for replies this thread delivers."""
        if self._latency_compensation and not self._closed:
            try:
                self.client._background.submit(self._apply_graph)
            except RuntimeError:
                pass  # the client is closing

    @overload
    def render(self, inputs: Inputs, outputs: OutputKey, *, frames: int | None = None,
               events: EventMap | None = None, chunked: bool | None = None) -> np.ndarray: ...

    @overload
    def render(self, inputs: Inputs, outputs: Sequence[OutputKey], *,
               frames: int | None = None, events: EventMap | None = None,
               chunked: bool | None = None) -> list[np.ndarray]: ...

    def render(self, inputs: Inputs,
               outputs: OutputKey | Sequence[OutputKey], *,
               frames: int | None = None, events: EventMap | None = None,
               chunked: bool | None = None) -> np.ndarray | list[np.ndarray]:
        """Processes whole signals, block by block, in native code without the GIL.

        `inputs` maps input ports to float32 arrays shaped (channels, frames); `outputs`
        is one output port (returns one array) or a list of them (returns a list).
        `frames` is needed only when there are no inputs. `events` maps note inputs (a
        device stands for its first) to scuff.NoteOn, NoteOff, NoteChoke and Midi events,
        whose frames count from the start of the render; each reaches its device at its
        exact frame within the block that holds it.

        `chunked` (by default `chunked_render`, itself on unless SCUFF_RENDER_CHUNKED=0)
        hands each sandbox many blocks at once, sandboxes along a chain working on
        successive chunks at the same time; the output is the same to the bit
        (docs/graph.md, "Chunked rendering").
        """
        single = not isinstance(outputs, (list, tuple))
        # Lists and tuples are several outputs; anything else is one (checked in _run).
        output_list: list[OutputKey] = (list(cast(Sequence[OutputKey], outputs)) if not single
                                         else [cast(OutputKey, outputs)])
        total = self._frame_count(inputs, frames)
        # A sandbox the outputs do not depend on may miss blocks without costing the render.
        needed = self._sandboxes_feeding(output_list)
        watched = [(s, s._signals.missed_cycles, s._signals.alive) for s in needed]
        use_chunks = self.chunked_render if chunked is None else bool(chunked)
        results = self._run(inputs, output_list, total, events, chunked=use_chunks)
        lost = [s for s, missed, alive in watched
                if not alive or s._signals.missed_cycles != missed or not s._signals.alive]
        if lost:
            names = ", ".join(f"{s.pid} ({s.state}{': ' + s.reason if s.reason else ''})" for s in lost)
            raise SandboxError(f"sandbox(es) {names}, which the outputs depend on, did not process every "
                               "block of the render")
        return results[0] if single else results

    def _sandboxes_feeding(self, outputs: Sequence[OutputKey]) -> list[Sandbox]:
        """The sandboxes holding a device that the outputs' devices are, or that reach them."""
        with self._graph_lock:
            connections = list(self._connections)
        devices = upstream_devices([self._output_port(output).device for output in outputs], connections)
        return [sandbox for sandbox in self._sandboxes if any(d.sandbox is sandbox for d in devices)]

    @overload
    def process(self, inputs: Inputs, outputs: OutputKey, *, frames: int | None = None,
                events: EventMap | None = None) -> np.ndarray: ...

    @overload
    def process(self, inputs: Inputs, outputs: Sequence[OutputKey], *,
                frames: int | None = None, events: EventMap | None = None) -> list[np.ndarray]: ...

    def process(self, inputs: Inputs,
                outputs: OutputKey | Sequence[OutputKey], *,
                frames: int | None = None, events: EventMap | None = None) -> np.ndarray | list[np.ndarray]:
        """Processes one block of at most `block_size` frames, for audio callbacks; event
        frames lie within the block.

        A sandbox that misses the cycle's deadline, or is gone, gives silence for the block
        and the others go on; its `state` tells what happened.
        """
        single = not isinstance(outputs, (list, tuple))
        # Lists and tuples are several outputs; anything else is one (checked in _run).
        output_list: list[OutputKey] = (list(cast(Sequence[OutputKey], outputs)) if not single
                                         else [cast(OutputKey, outputs)])
        total = self._frame_count(inputs, frames)
        if total > self.block_size:
            raise AudioFormatError(
                f"process() takes at most {self.block_size} frames (the block size), not {total}")
        results = self._run(inputs, output_list, total, events)
        return results[0] if single else results

    def close(self) -> None:
        """Stops every sandbox of the group."""
        self._closed = True
        for sandbox in self.sandboxes:
            sandbox.close()
        self.client._forget_group(self)

    def _frame_count(self, inputs: Inputs, frames: int | None) -> int:
        lengths: set[int] = set()
        for key, array in inputs.items():
            if not isinstance(array, np.ndarray):
                raise AudioFormatError(f"audio for {key!r} must be a numpy array, not {type(array).__name__}")
            if array.ndim != 2:
                raise AudioFormatError(
                    f"audio arrays are shaped (channels, frames); got {array.ndim} dimension(s)")
            lengths.add(array.shape[1])
        if frames is not None:
            if frames < 0:
                raise AudioFormatError(f"frames must not be negative, not {frames}")
            lengths.add(frames)
        if len(lengths) > 1:
            raise AudioFormatError(f"all inputs must have the same number of frames, got {sorted(lengths)}")
        if not lengths:
            raise AudioFormatError("give at least one input or the number of frames")
        return lengths.pop()

    def _event_records(self, events: EventMap | None, total: int) -> list[tuple[DeviceMemory, np.ndarray]]:
        """Each target device's events as records sorted by frame, checked to fit the blocks."""
        by_device: dict[Device, list[np.ndarray]] = {}
        for target, device_events in (events or {}).items():
            port = target.note_input(0) if isinstance(target, Device) else target
            if not isinstance(port, NoteInputPort):
                raise AudioFormatError(f"events go to a device or a note input, not {target!r}")
            self._check_member(port.device)
            by_device.setdefault(port.device, []).append(to_records(device_events, port.index, total))
        result = []
        for device, records in by_device.items():
            if block_counts(records, self.block_size) > EVENTS_PER_BLOCK:
                raise ScuffError(f"more than {EVENTS_PER_BLOCK} events in one block for {device.name}")
            # Concatenation packs the records; the native loop needs RECORD's exact layout.
            merged = np.concatenate(records).astype(RECORD)
            ordered = np.ascontiguousarray(merged[np.argsort(merged["frame"], kind="stable")])
            result.append((device._memory, ordered.view(np.uint8)))
        return result

    def _chunks(self) -> list[ChunkMemory] | None:
        """Every running sandbox's chunk segment, or None when one cannot have its own: the
        render then runs block by block. A sandbox that is down needs none."""
        chunks = []
        for sandbox in self.sandboxes:
            if sandbox.state == "running":
                chunk = sandbox_chunk(sandbox, self.chunk_budget)
                if chunk is None:
                    return None
                chunks.append(chunk)
            elif sandbox._signals.alive:
                return None  # starting, or unresponsive: lock-step keeps watching it
        return chunks

    def _run(self, inputs: Inputs, outputs: list[OutputKey],
             total: int, events: EventMap | None = None, *, chunked: bool = False) -> list[np.ndarray]:
        if self._live is not None:
            raise ScuffError(f"the group is playing live through {self._live!r}; stop it before "
                             "process() or render()")
        native_inputs = []
        for key, array in inputs.items():
            port = self._input_port(key)
            if array.dtype != np.float32:
                raise AudioFormatError(f"audio arrays must be float32, not {array.dtype}")
            if array.shape[0] != port.channels:
                raise AudioFormatError(
                    f"input {port.index} of {port.device.name} has {port.channels} channel(s); "
                    f"the array has {array.shape[0]}")
            native_inputs.append((port.device._memory, port.index, np.ascontiguousarray(array)))
        native_outputs = []
        results = []
        for output in outputs:
            out_port = self._output_port(output)
            result = np.zeros((out_port.channels, total), dtype=np.float32)
            native_outputs.append((out_port.device._memory, out_port.index, result))
            results.append(result)
        native_events = self._event_records(events, total)
        dropped: int | None = None
        if chunked:
            if not 1 <= self.max_chunk_blocks <= MAX_CHUNK_BLOCKS:
                raise ScuffError(f"max_chunk_blocks must be between 1 and {MAX_CHUNK_BLOCKS}, "
                                 f"not {self.max_chunk_blocks!r}")
            with self._render_lock:
                chunks = self._chunks()
                if chunks is not None:
                    dropped = self._engine.run_chunked(native_inputs, native_outputs, native_events, total,
                                                       chunks, self.max_chunk_blocks)
        if dropped is None:
            dropped = self._engine.run(native_inputs, native_outputs, native_events, total)
        if dropped:
            log.warning("%d note event(s) found no room in a device's event queue and were dropped", dropped)
        return results

    def _input_port(self, key: object) -> InputPort:
        port = key.input(0) if isinstance(key, Device) else key
        if not isinstance(port, InputPort):
            raise AudioFormatError(f"{key!r} is not an input port")
        self._check_member(port.device)
        return port

    def _output_port(self, key: object) -> OutputPort:
        port = key.output(0) if isinstance(key, Device) else key
        if not isinstance(port, OutputPort):
            raise AudioFormatError(f"{key!r} is not an output port")
        self._check_member(port.device)
        return port

    def _check_member(self, device: Device) -> None:
        if device.sandbox.group is not self:
            raise ScuffError(f"{device!r} belongs to another group")
