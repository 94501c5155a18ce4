"""Note and MIDI events for devices."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import ScuffError
from .layout import CHOKE, MIDI, NOTE_OFF, NOTE_ON, PACK


@dataclass(frozen=True)
class _Note:
    frame: int
    key: int
    velocity: float = 1.0
    channel: int = 0
    note_id: int = -1
    # Packed once when made, so a render of many events only joins bytes.
    _record: bytes = field(init=False, repr=False, compare=False)

    _KIND = NOTE_ON

    def __post_init__(self) -> None:
        check_frame(self.frame)
        if not (isinstance(self.key, int) and 0 <= self.key <= 127):
            raise ScuffError(f"a note's key is 0 to 127, not {self.key!r}")
        if not (isinstance(self.channel, int) and 0 <= self.channel <= 15):
            raise ScuffError(f"a note's channel is 0 to 15, not {self.channel!r}")
        if not (isinstance(self.velocity, (int, float)) and math.isfinite(self.velocity) and 0 <= self.velocity <= 1):
            raise ScuffError(f"a note's velocity is 0 to 1, not {self.velocity!r}")
        if not (isinstance(self.note_id, int) and -1 <= self.note_id < 2**31):
            raise ScuffError(f"a note id is -1 (none) or a non-negative int32, not {self.note_id!r}")
        object.__setattr__(self, "_record", PACK.pack(
            self.frame, 0, 0, self._KIND, self.channel, self.key, 0, b"", self.note_id, self.velocity))


@dataclass(frozen=True)
class NoteOn(_Note):
    """A note starting at `frame` (from the start of a render, or within a block)."""

    _KIND = NOTE_ON


@dataclass(frozen=True)
class NoteOff(_Note):
    """A note ending at `frame`; `velocity` is the release velocity."""

    _KIND = NOTE_OFF


@dataclass(frozen=True)
class NoteChoke(_Note):
    """A note silenced at once at `frame`, without its release (CLAP's note choke; VST3 and
    MIDI plugins get a note off)."""

    _KIND = CHOKE


@dataclass(frozen=True)
class Midi:
    """Raw MIDI bytes (one channel message of 1 to 3 bytes) at `frame`."""

    frame: int
    data: bytes
    _record: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_frame(self.frame)
        data = bytes(self.data)
        object.__setattr__(self, "data", data)
        if not 1 <= len(data) <= 3 or data[0] < 0x80 or any(b > 0x7F for b in data[1:]):
            raise ScuffError(f"MIDI data is one status byte and up to two data bytes, not {data.hex(' ')}")
        object.__setattr__(self, "_record", PACK.pack(
            self.frame, 0, 0, MIDI, data[0] & 0x0F, 0, len(data), data, -1, 0.0))


Event = NoteOn | NoteOff | NoteChoke | Midi


def check_frame(frame: object) -> None:
    if isinstance(frame, bool) or not isinstance(frame, (int, np.integer)) or frame < 0:
        raise ScuffError(f"an event's frame is a non-negative int, not {frame!r}")
