"""A group's transport: the musical time its devices are given with every block (CLAP's
transport event, VST3's ProcessContext), advancing by itself while it plays."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ScuffError

if TYPE_CHECKING:
    from .._native import Engine


@dataclass
class _Values:
    """The engine's transport fields, in its order."""

    tempo: float
    beats: float
    seconds: float
    playing: bool
    loop: bool
    loop_start: float
    loop_end: float
    numerator: int
    denominator: int


class Transport:
    """Tempo, time signature, play state, loop and position of a group. Read and changed
    through `Group.transport`; a change reaches the devices with the next block. While
    playing, the position advances by exactly each block's length; a loop wraps between
    blocks, since a block carries the transport of its first frame."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __repr__(self) -> str:
        loop = f", loop {self.loop[0]:g}-{self.loop[1]:g}" if self.loop else ""
        state = "playing" if self.playing else "stopped"
        return (f"<scuff.Transport {self.tempo:g} bpm {self.time_signature[0]}/{self.time_signature[1]}, {state} at "
                f"beat {self.position_beats:g} ({self.position_seconds:g} s){loop}>")

    def _read(self) -> _Values:
        tempo, beats, seconds, playing, loop, start, end, numerator, denominator = self._engine.transport()
        return _Values(tempo, beats, seconds, playing, loop, start, end, numerator, denominator)

    def _write(self, values: _Values) -> None:
        self._engine.set_transport((values.tempo, values.beats, values.seconds, values.playing, values.loop,
                                    values.loop_start, values.loop_end, values.numerator, values.denominator))

    @property
    def tempo(self) -> float:
        """Beats (quarter notes) per minute."""
        return self._read().tempo

    @tempo.setter
    def tempo(self, bpm: float) -> None:
        if not (isinstance(bpm, (int, float)) and math.isfinite(bpm) and 0 < bpm <= 10000):
            raise ScuffError(f"a tempo is a number of beats per minute above 0 and up to 10000, not {bpm!r}")
        values = self._read()
        values.tempo = float(bpm)
        self._write(values)

    @property
    def time_signature(self) -> tuple[int, int]:
        values = self._read()
        return values.numerator, values.denominator

    @time_signature.setter
    def time_signature(self, signature: tuple[int, int]) -> None:
        numerator, denominator = signature
        if not (isinstance(numerator, int) and 1 <= numerator <= 64 and denominator in (1, 2, 4, 8, 16, 32, 64)):
            raise ScuffError(f"a time signature is (1 to 64, a power of two up to 64), not {signature!r}")
        values = self._read()
        values.numerator, values.denominator = numerator, denominator
        self._write(values)

    @property
    def playing(self) -> bool:
        return self._read().playing

    @playing.setter
    def playing(self, playing: bool) -> None:
        values = self._read()
        values.playing = bool(playing)
        self._write(values)

    @property
    def loop(self) -> tuple[float, float] | None:
        """(start, end) in beats while a loop is active, else None."""
        values = self._read()
        return (values.loop_start, values.loop_end) if values.loop else None

    @loop.setter
    def loop(self, loop: tuple[float, float] | None) -> None:
        values = self._read()
        if loop is None:
            values.loop = False
        else:
            start, end = (float(v) for v in loop)
            if not (math.isfinite(start) and math.isfinite(end) and 0 <= start < end):
                raise ScuffError(f"a loop is (start, end) in beats with 0 <= start < end, not {loop!r}")
            values.loop, values.loop_start, values.loop_end = True, start, end
        self._write(values)

    @property
    def position_beats(self) -> float:
        return self._read().beats

    @position_beats.setter
    def position_beats(self, beats: float) -> None:
        self._locate(beats, beats * 60.0 / self.tempo)

    @property
    def position_seconds(self) -> float:
        return self._read().seconds

    @position_seconds.setter
    def position_seconds(self, seconds: float) -> None:
        self._locate(seconds * self.tempo / 60.0, seconds)

    def _locate(self, beats: float, seconds: float) -> None:
        if not (math.isfinite(beats) and math.isfinite(seconds)):
            raise ScuffError(f"a position is a finite number, not {beats!r}")
        values = self._read()
        values.beats, values.seconds = float(beats), float(seconds)
        self._write(values)
