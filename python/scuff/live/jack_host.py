"""Playing a group live through a JACK server.

A `JackHost` is a JACK client: its audio input ports feed device inputs, its audio output
ports carry device outputs, its MIDI input ports feed note inputs. The group's audio cycle
runs in the JACK process callback, in native code, without the GIL: no allocation there,
and no lock it could be made to wait for.

    with scuff.live.JackHost(group, inputs=[comp], outputs=[verb], note_inputs=[]) as host:
        host.connect_inputs(["system:capture_1", "system:capture_2"])
        host.connect_outputs(["system:playback_1", "system:playback_2"])
        ...

Periods and blocks: the group's block size is fixed when it is made. A JACK period of any
length up to `max_frames` is processed in blocks of at most the group's block size, so the
server's buffer size may change while playing; make the group's block size the server's
period for the least latency and CPU. A period longer than `max_frames`, or a server whose
sample rate is no longer the group's, is answered with silence and counted
(`refused_cycles`) until it is back.

libjack is loaded when the first JackHost (or `server_info`) needs it, not when scuff is
imported: scuff installs and renders without JACK, and plays through whichever libjack.so.0
the system has (JACK2's, or PipeWire's under `pw-jack`).

Deadlines: each period the engine waits for sandboxes at most `deadline` (a share of the
period) and never past the group's `cycle_timeout`; a sandbox that has not answered by then
is silent for that cycle (and late until it catches up), while the others play.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

import numpy as np

from .. import _native
from ..errors import ScuffError
from ..host.device import Device
from ..host.group import Group
from ..host.ports import InputPort, NoteInputPort, OutputPort

log = logging.getLogger("scuff")

T = TypeVar("T")

# The name of a sandbox's audio thread (cpp/sandbox/audio_thread.cpp).
_AUDIO_THREAD = "scuff-audio"

# The longest JACK period played; longer ones are refused (silence) and counted. JACK's own
# limit is 8192 frames.
MAX_FRAMES = 8192


class JackError(ScuffError):
    """The JACK server is missing or refused something, or libjack cannot be loaded."""


@dataclass(frozen=True)
class LiveStats:
    """What a JackHost counted since it started (or since `reset_stats`)."""

    cycles: int           # process callbacks
    xruns: int            # xruns the server reported, whichever client caused them
    overruns: int         # callbacks of scuff's that took longer than the period
    late_cycles: int      # cycles in which the engine stopped waiting for a sandbox at the deadline
    busy_cycles: int      # callbacks left silent because another thread held the engine
    refused_cycles: int   # callbacks left silent: a period over max_frames, or a changed sample rate
    dropped_events: int   # events that found no room in a device's queue
    ignored_midi: int     # MIDI messages that are no channel message (or too many in one period)
    buffer_size: int      # the server's period, frames
    sample_rate: int
    cpu_load: float       # the server's DSP load, percent
    max_cycle_ns: int     # the longest callback
    server_gone: bool     # the server shut down or dropped the client


@dataclass(frozen=True)
class LiveIncident:
    """A period a JackHost did not play as the graph says, and why: `late` (a sandbox's
    outputs were silent, for missing the deadline or not having caught up yet), `busy` or
    `refused` (the whole period silent; see LiveStats), `overrun` (the callback outlasted
    the period), or `xrun` (the server reported one about this frame, whichever client
    caused it). `frame` is the JACK frame time of the period's first frame."""

    frame: int
    frames: int
    kind: str


def server_info(server: str | None = None) -> tuple[int, int]:
    """(sample rate, period in frames) of a running JACK server (None: the default one)."""
    _native_host_class()
    try:
        rate, period = _native.jack_server_info(server or "")
    except _native.JackError as error:
        raise JackError(str(error)) from None
    return int(rate), int(period)


def jack_available() -> bool:
    """Whether libjack can be loaded (whether or not a server runs)."""
    try:
        _native.load_jack()
    except _native.JackError:
        return False
    return True


def _native_host_class() -> type:
    try:
        _native.load_jack()
    except _native.JackError as error:
        raise JackError(str(error)) from None
    return _native.JackHost


class JackHost:
    """A JACK client that plays `group` live.

    `inputs` are input ports (a device stands for its input 0) fed from JACK audio ports
    named in_1, in_2, ... (one per channel, counted across every input in order);
    `outputs` are output ports played to out_1, out_2, ...; `note_inputs` are note inputs
    (a device stands for its note input 0) fed from JACK MIDI ports midi_in_1, ... Note on
    and off messages become notes, other channel messages reach the plugin as MIDI, each at
    its frame within the period. `server` names a JACK server (None: the default one).
    `deadline` is the share of each period the engine waits for sandboxes.
    `priority` is the SCHED_FIFO priority given to every sandbox's audio thread while
    playing (and again after a restart), as JACK gives its clients' process threads; by
    default one below the server's client priority, and none when the server does not run
    realtime. Without it a busy machine preempts sandboxes and they miss deadlines.

    The client starts playing when made (`start=False` to wait for `start()`). While it
    plays, the group's `process` and `render` refuse to run.
    """

    def __init__(self, group: Group, *, inputs: Sequence[InputPort | Device] = (),
                 outputs: Sequence[OutputPort | Device] = (),
                 note_inputs: Sequence[NoteInputPort | Device] = (), name: str = "scuff",
                 server: str | None = None, deadline: float = 0.5, max_frames: int = MAX_FRAMES,
                 start: bool = True, priority: int | None | str = "auto") -> None:
        native_class = _native_host_class()
        if not 0 < deadline <= 1:
            raise ScuffError(f"deadline is a share of the period, more than 0 and at most 1, not {deadline!r}")
        self.group = group
        self._inputs = [group._input_port(key) for key in inputs]
        self._outputs = [group._output_port(key) for key in outputs]
        self._note_inputs = [self._note_input(key) for key in note_inputs]
        for kind, ports in (("input", self._inputs), ("output", self._outputs), ("note input", self._note_inputs)):
            if len(set(ports)) != len(ports):
                raise ScuffError(f"an {kind} is named twice")
        counter = iter(range(1, 1 << 20))
        native_inputs = [(p.device._memory, p.index, [f"in_{next(counter)}" for _ in range(p.channels)])
                         for p in self._inputs]
        counter = iter(range(1, 1 << 20))
        native_outputs = [(p.device._memory, p.index, [f"out_{next(counter)}" for _ in range(p.channels)])
                          for p in self._outputs]
        native_midi = [(p.device._memory, p.index, f"midi_in_{i}") for i, p in enumerate(self._note_inputs, 1)]
        try:
            self._native = native_class(group._engine, group.sample_rate, name, server or "", native_inputs,
                                        native_outputs, native_midi, float(deadline), max(int(max_frames), 1))
        except _native.JackError as error:
            raise JackError(str(error)) from None
        self._lock = threading.Lock()
        self._closed = False
        if priority == "auto":
            server_priority = int(self._native.realtime_priority)
            priority = max(server_priority - 1, 1) if server_priority > 0 else None
        self.priority = priority if priority is None else int(priority)
        self._raised: dict[int, int] = {}  # sandbox pid -> audio thread raised
        self._saved_spin: int | None = None
        self._watch_stop = threading.Event()
        self._watcher: threading.Thread | None = None
        if start:
            self.start()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "playing" if self.playing else "stopped"
        return f"<scuff.live.JackHost {self.name!r} {state}>"

    def __enter__(self) -> JackHost:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _note_input(self, key: object) -> NoteInputPort:
        port = key.note_input(0) if isinstance(key, Device) else key
        if not isinstance(port, NoteInputPort):
            raise ScuffError(f"{key!r} is not a note input")
        self.group._check_member(port.device)
        return port

    # --- playing ---

    @property
    def playing(self) -> bool:
        return not self._closed and bool(self._native.active)

    def start(self) -> None:
        """Activates the client: the JACK server calls the group's cycle every period."""
        with self._lock:
            if self._closed:
                raise ScuffError("the JACK host is closed")
            if self.group._live not in (None, self):
                raise ScuffError("the group already plays through another JACK host")
            self.group._live = self
            self._limit_spin()
            try:
                self._call(self._native.activate)
            except BaseException:
                self.group._live = None
                self._restore_spin()
                raise
            self._raise_priorities()
            if self._watcher is None and self.priority is not None:
                self._watch_stop.clear()
                self._watcher = threading.Thread(target=self._watch, name="scuff-live-priority", daemon=True)
                self._watcher.start()

    def stop(self) -> None:
        """Deactivates the client; returns once its last cycle has finished. The ports stay."""
        self._watch_stop.set()
        if self._watcher is not None:
            self._watcher.join()
            self._watcher = None
        with self._lock:
            if not self._closed:
                self._native.deactivate()
            if self.group._live is self:
                self.group._live = None
                self._restore_spin()

    def close(self) -> None:
        """Stops playing and leaves the JACK server."""
        self.stop()
        with self._lock:
            if not self._closed:
                self._native.close()
                self._closed = True

    def _limit_spin(self) -> None:
        """Realtime sandbox threads that spin for their next cycle keep every other one
        (of the same priority) off that CPU: once the sandboxes and the JACK thread outnumber
        the CPUs, sandboxes sleep as soon as their cycle is done."""
        cpus = len(os.sched_getaffinity(0))
        if self.priority is not None and len(self.group.sandboxes) + 1 > cpus:
            self._saved_spin = self.group._engine.sandbox_spin_ns
            self.group._engine.sandbox_spin_ns = 0

    def _restore_spin(self) -> None:
        if self._saved_spin is not None:
            self.group._engine.sandbox_spin_ns = self._saved_spin
            self._saved_spin = None

    def _watch(self) -> None:
        """Gives restarted sandboxes (new processes) their priority again."""
        while not self._watch_stop.wait(0.1):
            self._raise_priorities()

    def _raise_priorities(self) -> None:
        if self.priority is None:
            return
        for sandbox in self.group.sandboxes:
            pid = sandbox.pid
            if pid is None or pid in self._raised or sandbox.state != "running":
                continue
            tid = _audio_thread(pid)
            if tid is None:
                continue
            try:
                os.sched_setscheduler(tid, os.SCHED_FIFO, os.sched_param(self.priority))
            except OSError as error:
                log.warning("cannot give sandbox %d's audio thread realtime priority %d: %s "
                            "(it may miss deadlines on a busy machine)", pid, self.priority, error)
                self.priority = None
                return
            self._raised[pid] = tid

    # --- ports ---

    @property
    def name(self) -> str:
        """The client's name on the server (JACK may have made it unique)."""
        return str(self._native.client_name) if not self._closed else "(closed)"

    @property
    def input_ports(self) -> list[str]:
        """Full names of the audio input ports, in channel order."""
        return list(self._native.input_ports)

    @property
    def output_ports(self) -> list[str]:
        return list(self._native.output_ports)

    @property
    def midi_ports(self) -> list[str]:
        return list(self._native.midi_ports)

    def connect(self, source: str, destination: str) -> None:
        """Connects two JACK ports by their full names."""
        self._call(self._native.connect, source, destination)

    def disconnect(self, source: str, destination: str) -> None:
        self._call(self._native.disconnect, source, destination)

    def connect_inputs(self, sources: Iterable[str]) -> None:
        """Connects each source to the next audio input port (a single source to all of them)."""
        sources = list(sources)
        if len(sources) == 1:
            sources *= len(self.input_ports)
        if len(sources) > len(self.input_ports):
            raise ScuffError(f"{len(sources)} sources for {len(self.input_ports)} input port(s)")
        for source, port in zip(sources, self.input_ports, strict=False):
            self.connect(source, port)

    def connect_outputs(self, destinations: Iterable[str]) -> None:
        """Connects each audio output port to the next destination."""
        destinations = list(destinations)
        if len(destinations) > len(self.output_ports):
            raise ScuffError(f"{len(destinations)} destinations for {len(self.output_ports)} output port(s)")
        for port, destination in zip(self.output_ports, destinations, strict=False):
            self.connect(port, destination)

    def connect_midi(self, source: str, index: int = 0) -> None:
        """Connects a JACK MIDI output (an ALSA device through a2jmidid or jackd -X seq, a
        sequencer, ...) to MIDI input `index`."""
        self.connect(source, self.midi_ports[index])

    def find_ports(self, pattern: str = "", *, kind: str = "", outputs: bool = True,
                   physical: bool = False) -> list[str]:
        """Ports of the server whose name matches `pattern` (a regular expression), of `kind`
        "audio" or "midi" (or both), that are outputs (or inputs)."""
        return list(self._native.find_ports(pattern, kind, outputs, physical))

    # --- what happened ---

    @property
    def deadline(self) -> float:
        return float(self._native.deadline_share)

    @deadline.setter
    def deadline(self, share: float) -> None:
        self._native.deadline_share = float(share)

    def stats(self) -> LiveStats:
        return LiveStats(**self._native.stats())

    def reset_stats(self) -> None:
        """Starts the counts, the cycle times and the incidents again from zero."""
        self._native.reset_stats()

    def incidents(self) -> list[LiveIncident]:
        """Every period since the start (or `reset_stats`) not played as the graph says, in
        the order of their frames (the last 4,096 of each source): everything else a
        recording holds is what an offline render of the same input gives."""
        return [LiveIncident(int(frame), int(frames), str(kind)) for frame, frames, kind in self._native.incidents()]

    def take_output_peaks(self) -> list[float]:
        """The highest absolute sample played on each output channel (the output ports in
        order, each port's channels in order) since the last call: what a meter shows.
        Each call starts the peaks again from zero."""
        return [float(peak) for peak in self._native.take_output_peaks()]

    def cycle_times(self, count: int = 1 << 17) -> np.ndarray:
        """How long (ns) each of the last `count` process callbacks took, oldest first."""
        return np.asarray(self._native.cycle_times(count), dtype=np.int64)

    def _call(self, function: Callable[..., T], *args: object) -> T:
        try:
            return function(*args)
        except _native.JackError as error:
            raise JackError(str(error)) from None


def _audio_thread(pid: int) -> int | None:
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                if comm.read().strip() == _AUDIO_THREAD:
                    return int(task)
    except OSError:
        pass
    return None


__all__ = ["MAX_FRAMES", "JackError", "JackHost", "LiveStats", "jack_available", "server_info"]
