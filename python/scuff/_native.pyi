# Generated from the built module by `python -m nanobind.stubgen -m scuff._native`: run it again
# (and ruff format) when the bindings change, or `nox -s lint` will disagree.
"""
scuff's native real-time path: shared memory, audio cycles, message verification.
"""

from collections.abc import Sequence
from typing import Annotated, Any

import numpy
from numpy.typing import NDArray

MAX_PARAMS: int = 100000

def verify_sandbox_message(data: bytes) -> bool:
    """True if `data` is a well-formed SandboxMessage FlatBuffer."""

def read_device_info(frame: bytes) -> tuple[Any, ...] | None:
    """The DeviceInfo of a SandboxMessage frame (a reply's or a device change's) as a tuple."""

def verify_scan_report(data: bytes) -> bool:
    """True if `data` is a well-formed ScanReport FlatBuffer."""

class SandboxSignals:
    """The shared audio handshake of one sandbox."""

    def __init__(self) -> None: ...
    @property
    def fd(self) -> int: ...
    @property
    def alive(self) -> bool: ...
    @alive.setter
    def alive(self, arg: bool, /) -> None: ...
    @property
    def late(self) -> bool:
        """Missed the deadline of its last cycle and has not caught up yet."""

    @property
    def consecutive_missed(self) -> int:
        """Cycles missed in a row."""

    def revive(self) -> None:
        """A restarted process took over: it is alive, and on time."""

    @property
    def missed_cycles(self) -> int: ...
    @property
    def last_cycle_ns(self) -> int: ...

class DeviceMemory:
    """The shared memory of one device."""

    def __init__(
        self, sandbox: SandboxSignals, input_channels: Sequence[int], output_channels: Sequence[int], max_frames: int
    ) -> None: ...
    @property
    def fd(self) -> int: ...
    @property
    def size(self) -> int: ...
    def push_param_change(self, param_id: int, value: float, frame: int = 0) -> bool:
        """
        Queues a parameter change for the device's next process call. False if the queue is full.
        """

    def take_param_outputs(self) -> list[tuple[int, int, float]]:
        """Parameter values the plugin changed itself: (param_id, frame, value)."""

    def process_stats(self) -> tuple[int, int, int, int, int, int, int, list[int]]:
        """
        The device's process-time statistics as the sandbox wrote them, unchecked: (reset_requested, reset_done, blocks, frames, total_ns, max_ns, last_ns, histogram).
        """

    def request_stats_reset(self) -> int:
        """
        Asks the sandbox to reset the statistics before the device's next block; returns the request's number.
        """

    def input_plane(self, port: int) -> Annotated[NDArray[numpy.float32], dict(shape=(None, None))]: ...
    def output_plane(self, port: int) -> Annotated[NDArray[numpy.float32], dict(shape=(None, None))]: ...

def process_stats_bucket_floors() -> list[int]:
    """
    The smallest time, in ns, of each bucket of a device's process-time histogram.
    """

class ChunkMemory:
    """One sandbox's chunk segment: the inputs, events and outputs of several blocks of its devices, for chunked renders."""

    def __init__(
        self, sandbox: SandboxSignals, members: Sequence[tuple[DeviceMemory, bool, bool]], blocks: int, max_frames: int
    ) -> None:
        """
        members: (device memory, room for note input events, room for note output events), in the order the sandbox is told.
        """

    @staticmethod
    def bytes_per_block(members: Sequence[tuple[DeviceMemory, bool, bool]], max_frames: int) -> int:
        """What one block costs in a segment of these members."""

    @property
    def fd(self) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def blocks(self) -> int: ...

class Engine:
    """The block loop of one group."""

    def __init__(self, max_frames: int, sample_rate: float) -> None: ...
    @property
    def max_frames(self) -> int: ...
    @property
    def cycle_timeout(self) -> float: ...
    @cycle_timeout.setter
    def cycle_timeout(self, arg: float, /) -> None: ...
    @property
    def client_spin_ns(self) -> int: ...
    @client_spin_ns.setter
    def client_spin_ns(self, arg: int, /) -> None: ...
    @property
    def sandbox_spin_ns(self) -> int: ...
    @sandbox_spin_ns.setter
    def sandbox_spin_ns(self, arg: int, /) -> None: ...
    def add_sandbox(self, sandbox: SandboxSignals) -> None: ...
    def set_routes(self, routes: Sequence[tuple[DeviceMemory, int, DeviceMemory, int, int, bool]]) -> None:
        """
        Connections between sandboxes as (source memory, output port, target memory, input port, delay frames, between note ports); the next cycle uses them.
        """

    def transport(self) -> tuple[float, float, float, bool, bool, float, float, int, int]: ...
    def set_transport(self, transport: tuple[float, float, float, bool, bool, float, float, int, int]) -> None: ...
    def panic(self) -> None:
        """Every device stops the notes it was sent, at the next cycle."""

    def output_events(self, device: DeviceMemory) -> Annotated[NDArray[numpy.uint8], dict(shape=(None,))]:
        """What the device output during the last run, as ScheduledEvent records."""

    def remove_sandbox(self, sandbox: SandboxSignals) -> None: ...
    def add_device(self, device: DeviceMemory) -> None: ...
    def remove_device(self, device: DeviceMemory) -> None: ...
    def run(
        self,
        inputs: Sequence[
            tuple[
                DeviceMemory,
                int,
                Annotated[NDArray[numpy.float32], dict(shape=(None, None), order="C", device="cpu", writable=False)],
            ]
        ],
        outputs: Sequence[
            tuple[
                DeviceMemory, int, Annotated[NDArray[numpy.float32], dict(shape=(None, None), order="C", device="cpu")]
            ]
        ],
        events: Sequence[
            tuple[
                DeviceMemory,
                Annotated[NDArray[numpy.uint8], dict(shape=(None,), order="C", device="cpu", writable=False)],
            ]
        ],
        frames: int,
    ) -> int:
        """
        Processes `frames` frames: inputs are (device, port, array) to add into input ports, outputs (device, port, array) to fill from output ports, events (device, record bytes) sorted by frame. Releases the GIL; returns how many events found no room.
        """

    def run_chunked(
        self,
        inputs: Sequence[
            tuple[
                DeviceMemory,
                int,
                Annotated[NDArray[numpy.float32], dict(shape=(None, None), order="C", device="cpu", writable=False)],
            ]
        ],
        outputs: Sequence[
            tuple[
                DeviceMemory, int, Annotated[NDArray[numpy.float32], dict(shape=(None, None), order="C", device="cpu")]
            ]
        ],
        events: Sequence[
            tuple[
                DeviceMemory,
                Annotated[NDArray[numpy.uint8], dict(shape=(None,), order="C", device="cpu", writable=False)],
            ]
        ],
        frames: int,
        chunks: Sequence[ChunkMemory],
        max_chunk_blocks: int,
    ) -> int:
        """
        run() with many blocks per hand-off to each sandbox holding one of `chunks` (ChunkMemory), at most `max_chunk_blocks` per chunk; the output is run()'s to the bit.
        """

    def time_cycles(self, count: int, frames: int) -> list[int]: ...

class JackError(Exception):
    pass

def load_jack() -> str:
    """
    Loads libjack (once per process) and returns the name it was loaded by; raises JackError naming what to install when it cannot be loaded.
    """

def jack_server_info(server: str) -> tuple[int, int]:
    """(sample rate, period frames) of a running JACK server."""

class JackHost:
    """A JACK client running a group's engine from its process callback."""

    def __init__(
        self,
        engine: Engine,
        sample_rate: float,
        client_name: str,
        server_name: str,
        inputs: Sequence[tuple[DeviceMemory, int, Sequence[str]]],
        outputs: Sequence[tuple[DeviceMemory, int, Sequence[str]]],
        midi: Sequence[tuple[DeviceMemory, int, str]],
        deadline_share: float,
        max_frames: int,
    ) -> None: ...
    def activate(self) -> None: ...
    def deactivate(self) -> None: ...
    def close(self) -> None: ...
    @property
    def active(self) -> bool: ...
    @property
    def client_name(self) -> str: ...
    @property
    def realtime_priority(self) -> int: ...
    @property
    def input_ports(self) -> list[str]: ...
    @property
    def output_ports(self) -> list[str]: ...
    @property
    def midi_ports(self) -> list[str]: ...
    def connect(self, source: str, destination: str) -> None: ...
    def disconnect(self, source: str, destination: str) -> None: ...
    def find_ports(self, pattern: str, type: str, outputs: bool, physical: bool) -> list[str]: ...
    @property
    def deadline_share(self) -> float: ...
    @deadline_share.setter
    def deadline_share(self, arg: float, /) -> None: ...
    def stats(self) -> dict[str, int | float | bool]: ...
    def cycle_times(self, count: int) -> list[int]: ...
    def incidents(self) -> list[tuple[int, int, str]]: ...
    def reset_stats(self) -> None: ...
    def take_output_peaks(self) -> list[float]: ...
