"""A group: sandboxes processed together, one audio cycle at a time."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import _native
from .device import Device, InputPort, OutputPort
from .errors import AudioFormatError, SandboxError, ScuffError
from .sandbox import Sandbox

if TYPE_CHECKING:
    from .client import Client

InputKey = InputPort | Device
OutputKey = OutputPort | Device


class Group:
    """Sandboxes whose devices are processed together at one sample rate and block size.

    Created with `Client.create_group`.
    """

    def __init__(self, client: Client, sample_rate: float, block_size: int,
                 cycle_timeout: float) -> None:
        if not sample_rate > 0:
            raise ScuffError(f"sample_rate must be positive, not {sample_rate!r}")
        if not 1 <= block_size <= 65536:
            raise ScuffError(f"block_size must be between 1 and 65536, not {block_size!r}")
        self.client = client
        self.sample_rate = float(sample_rate)
        self.block_size = int(block_size)
        self._engine = _native.Engine(self.block_size)
        self._engine.cycle_timeout = cycle_timeout
        self._sandboxes: list[Sandbox] = []
        self._lock = threading.Lock()
        self._closed = False

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

    def create_sandbox(self) -> Sandbox:
        """Starts a new scuff-sbox process in this group."""
        if self._closed:
            raise ScuffError("the group is closed")
        sandbox = Sandbox(self)
        with self._lock:
            self._sandboxes.append(sandbox)
        return sandbox

    def render(self, inputs: Mapping[InputKey, np.ndarray],
               outputs: OutputKey | Sequence[OutputKey], *,
               frames: int | None = None) -> np.ndarray | list[np.ndarray]:
        """Processes whole signals, block by block, in native code without the GIL.

        `inputs` maps input ports to float32 arrays shaped (channels, frames); `outputs`
        is one output port (returns one array) or a list of them (returns a list).
        `frames` is needed only when there are no inputs.
        """
        single = not isinstance(outputs, (list, tuple))
        output_list = [outputs] if single else list(outputs)
        total = self._frame_count(inputs, frames)
        watched = [(s, s._signals.missed_cycles) for s in self._sandboxes if s._signals.alive]
        results = self._run(inputs, output_list, total)
        lost = [s for s, missed in watched
                if s._signals.missed_cycles != missed or not s._signals.alive]
        if lost:
            names = ", ".join(f"{s.pid} ({s.state}{': ' + s.reason if s.reason else ''})" for s in lost)
            raise SandboxError(f"sandbox(es) {names} did not process every block of the render")
        return results[0] if single else results

    def process(self, inputs: Mapping[InputKey, np.ndarray],
                outputs: OutputKey | Sequence[OutputKey], *,
                frames: int | None = None) -> np.ndarray | list[np.ndarray]:
        """Processes one block of at most `block_size` frames, for audio callbacks.

        A sandbox that misses the cycle's deadline, or is gone, gives silence for the block
        and the others go on; its `state` tells what happened.
        """
        single = not isinstance(outputs, (list, tuple))
        output_list = [outputs] if single else list(outputs)
        total = self._frame_count(inputs, frames)
        if total > self.block_size:
            raise AudioFormatError(
                f"process() takes at most {self.block_size} frames (the block size), not {total}")
        results = self._run(inputs, output_list, total)
        return results[0] if single else results

    def close(self) -> None:
        """Stops every sandbox of the group."""
        self._closed = True
        for sandbox in self.sandboxes:
            sandbox.close()

    def _frame_count(self, inputs: Mapping[InputKey, np.ndarray], frames: int | None) -> int:
        lengths = set()
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

    def _run(self, inputs: Mapping[InputKey, np.ndarray], outputs: list[OutputKey],
             total: int) -> list[np.ndarray]:
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
        for key in outputs:
            port = self._output_port(key)
            result = np.zeros((port.channels, total), dtype=np.float32)
            native_outputs.append((port.device._memory, port.index, result))
            results.append(result)
        self._engine.run(native_inputs, native_outputs, total)
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
