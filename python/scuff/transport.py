"""A group's transport: the musical time its devices are given with every block (CLAP's
transport event, VST3's ProcessContext), advancing by itself while it plays."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .errors import ScuffError

if TYPE_CHECKING:
    from . import _native


class Transport:
    """Tempo, time signature, play state, loop and position of a group. Read and changed
    through `Group.transport`; a change reaches the devices with the next block. While
    playing, the position advances by exactly each block's length; a loop wraps between
    blocks, since a block carries the transport of its first frame."""

    def __init__(self, engine: _native.Engine) -> None:
        self._engine = engine

    def __repr__(self) -> str:
        loop = f", loop {self.loop[0]:g}-{self.loop[1]:g}" if self.loop else ""
        state = "playing" if self.playing else "stopped"
        return (f"<scuff.Transport {self.tempo:g} bpm {self.time_signature[0]}/{self.time_signature[1]}, {state} at "
                f"beat {self.position_beats:g} ({self.position_seconds:g} s){loop}>")

    def _read(self) -> list:
        return list(self._engine.transport())

    def _write(self, values: list) -> None:
        self._engine.set_transport(tuple(values))

    @property
    def tempo(self) -> float:
        """Beats (quarter notes) per minute."""
        return self._read()[0]

    @tempo.setter
    def tempo(self, bpm: float) -> None:
        if not (isinstance(bpm, (int, float)) and math.isfinite(bpm) and 0 < bpm <= 10000):
            raise ScuffError(f"a tempo is a number of beats per minute above 0 and up to 10000, not {bpm!r}")
        values = self._read()
        values[0] = float(bpm)
        self._write(values)

    @property
    def time_signature(self) -> tuple[int, int]:
        values = self._read()
        return values[7], values[8]

    @time_signature.setter
    def time_signature(self, signature: tuple[int, int]) -> None:
        numerator, denominator = signature
        if not (isinstance(numerator, int) and 1 <= numerator <= 64 and denominator in (1, 2, 4, 8, 16, 32, 64)):
            raise ScuffError(f"a time signature is (1 to 64, a power of two up to 64), not {signature!r}")
        values = self._read()
        values[7], values[8] = numerator, denominator
        self._write(values)

    @property
    def playing(self) -> bool:
        return self._read()[3]

    @playing.setter
    def playing(self, playing: bool) -> None:
        values = self._read()
        values[3] = bool(playing)
        self._write(values)

    @property
    def loop(self) -> tuple[float, float] | None:
        """(start, end) in beats while a loop is active, else None."""
        values = self._read()
        return (values[5], values[6]) if values[4] else None

    @loop.setter
    def loop(self, loop: tuple[float, float] | None) -> None:
        values = self._read()
        if loop is None:
            values[4] = False
        else:
            start, end = (float(v) for v in loop)
            if not (math.isfinite(start) and math.isfinite(end) and 0 <= start < end):
                raise ScuffError(f"a loop is (start, end) in beats with 0 <= start < end, not {loop!r}")
            values[4:7] = [True, start, end]
        self._write(values)

    @property
    def position_beats(self) -> float:
        return self._read()[1]

    @position_beats.setter
    def position_beats(self, beats: float) -> None:
        self._locate(beats, beats * 60.0 / self.tempo)

    @property
    def position_seconds(self) -> float:
        return self._read()[2]

    @position_seconds.setter
    def position_seconds(self, seconds: float) -> None:
        self._locate(seconds * self.tempo / 60.0, seconds)

    def _locate(self, beats: float, seconds: float) -> None:
        if not (math.isfinite(beats) and math.isfinite(seconds)):
            raise ScuffError(f"a position is a finite number, not {beats!r}")
        values = self._read()
        values[1], values[2] = float(beats), float(seconds)
        self._write(values)
