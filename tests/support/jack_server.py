"""A private JACK server with the dummy driver, and JACK clients (the JACK-Client package)
that feed scuff audio and MIDI and record what it plays.

Each server gets a name of its own (jackd -n), so tests never meet the default server,
nor another test run's. As root jackd runs its process thread SCHED_FIFO (realtime mode
is its default); where that is not allowed, SCUFF_JACKD_FLAGS="--no-realtime" turns it off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from support.waiting import wait_until

SAMPLE_RATE = 48000


@contextmanager
def jack_server(period: int = 256, sample_rate: int = SAMPLE_RATE, name: str | None = None) -> Iterator[str]:
    """Runs `jackd -d dummy` and yields its server name; stops it on the way out."""
    import jack  # JACK-Client; imported here so that a missing one fails only JACK tests

    jackd = shutil.which("jackd")
    if jackd is None:
        raise RuntimeError("jackd is not installed (Debian: jackd2; ci/install-system-packages.sh)")
    name = name or f"scuff-test-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    flags = os.environ.get("SCUFF_JACKD_FLAGS", "").split()
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1")
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([jackd, "-n", name, *flags, "-d", "dummy", "-r", str(sample_rate),
                                "-p", str(period)], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                probe = jack.Client("probe", no_start_server=True, servername=name)
                probe.close()
                break
            except jack.JackOpenError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"jackd did not start: {log.read().decode(errors='replace')}") from None
                time.sleep(0.05)
        yield name
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Player:
    """A JACK client that plays signals to its audio outputs and MIDI to its MIDI output,
    from a chosen moment on, and records its audio inputs with the frame time of each
    period. Its process callback is Python; the periods must be long enough for that."""

    def __init__(self, server: str, *, outputs: int = 0, inputs: int = 0, midi: bool = False,
                 name: str = "player") -> None:
        import jack

        self.client = jack.Client(name, no_start_server=True, servername=server)
        self.outs = [self.client.outports.register(f"out_{i + 1}") for i in range(outputs)]
        self.ins = [self.client.inports.register(f"in_{i + 1}") for i in range(inputs)]
        self.midi_out = self.client.midi_outports.register("midi_out") if midi else None
        self._lock = threading.Lock()
        self._signals: list[np.ndarray] = []
        self._midi: list[tuple[int, bytes]] = []
        self._start: int | None = None  # frame time the signals start at
        self._arm = False
        self._recording = False
        self.recorded: list[tuple[int, list[np.ndarray]]] = []
        # The frame time just past the last period the callback processed: how far the
        # server has really played, which its frame time (a clock reading) is not.
        self._processed: int | None = None
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, frames: int) -> None:
        now = self.client.last_frame_time
        if self._arm:
            self._arm = False
            self._start = now
        for index, port in enumerate(self.outs):
            buffer = port.get_array()
            buffer.fill(0)
            if self._start is not None and index < len(self._signals):
                signal = self._signals[index]
                position = now - self._start
                if 0 <= position < signal.size:
                    chunk = signal[position:position + frames]
                    buffer[:chunk.size] = chunk
        if self.midi_out is not None:
            self.midi_out.clear_buffer()
            if self._start is not None:
                position = now - self._start
                for frame, data in self._midi:
                    if position <= frame < position + frames:
                        self.midi_out.write_midi_event(frame - position, data)
        if self._recording:
            self.recorded.append((now, [port.get_array().copy() for port in self.ins]))
        self._processed = now + frames

    def play(self, signals: Sequence[np.ndarray] = (), midi: Sequence[tuple[int, bytes]] = ()) -> None:
        """Starts the signals (one per output) and the MIDI (frame, bytes) at the next period."""
        self._signals = [np.asarray(s, np.float32) for s in signals]
        self._midi = sorted(midi, key=lambda event: event[0])
        self._start = None
        self._arm = True
        while self._start is None:
            time.sleep(0.001)

    @property
    def start(self) -> int:
        assert self._start is not None
        return self._start

    def record(self) -> None:
        """Starts recording; returns once the first period is recorded, so that what is
        played after this call (`play` on any client) lies within the recording."""
        self.recorded = []
        self._recording = True
        wait_until(lambda: bool(self.recorded), what="the first recorded period")

    def stop_recording(self) -> None:
        self._recording = False

    def recording(self, port: int = 0) -> tuple[int, np.ndarray]:
        """(frame time of the first frame, the samples) of input `port`. Periods this client
        missed (its callback is Python, and a busy machine can make it late) are NaN: no
        sample equals them, so they count as differences, which only the server's xruns can
        account for."""
        periods = list(self.recorded)
        assert periods, "nothing was recorded"
        first, last = periods[0][0], periods[-1][0] + periods[-1][1][port].size
        samples = np.full(last - first, np.nan, np.float32)
        for frame, arrays in periods:
            samples[frame - first:frame - first + arrays[port].size] = arrays[port]
        return first, samples

    def wait_frames(self, frames: int) -> None:
        """Waits until this client's callback has processed the period that reaches `frames`
        past the server's frame time now. That frame time is the clock's, extrapolated from
        the last cycle's start: it runs on while the server's cycles are held up, so it is
        only where the target starts from, never a sign that the frames were played."""
        target = self.client.frame_time + frames
        wait_until(lambda: self._processed is not None and self._processed >= target,
                   timeout=10 + frames / self.client.samplerate, what=f"{frames} frames processed")

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()
