"""Note and MIDI events for devices, and the packed records they travel in to the native
block loop (the layout of ScheduledEvent in bindings/device_memory.hpp)."""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import ScuffError

# NoteEventKind in cpp/common/include/scuff/shared_layout.hpp.
_NOTE_ON, _NOTE_OFF, _CHOKE, _MIDI = 0, 1, 2, 3

# RECORD packed by struct: frame, the event's frame (filled natively), port, kind, channel,
# key, MIDI size and bytes, padding, note id, velocity.
_PACK = struct.Struct("<QIHBBhB3s2xif")

RECORD = np.dtype({
    "names": ["frame", "port", "kind", "channel", "key", "midi_size", "midi", "note_id", "velocity"],
    "formats": ["<u8", "<u2", "u1", "u1", "<i2", "u1", ("u1", 3), "<i4", "<f4"],
    "offsets": [0, 12, 14, 15, 16, 18, 19, 24, 28],
    "itemsize": 32,
})


@dataclass(frozen=True)
class _Note:
    frame: int
    key: int
    velocity: float = 1.0
    channel: int = 0
    note_id: int = -1
    # Packed once when made, so a render of many events only joins bytes.
    _record: bytes = field(init=False, repr=False, compare=False)

    _KIND = _NOTE_ON

    def __post_init__(self) -> None:
        _check_frame(self.frame)
        if not (isinstance(self.key, int) and 0 <= self.key <= 127):
            raise ScuffError(f"a note's key is 0 to 127, not {self.key!r}")
        if not (isinstance(self.channel, int) and 0 <= self.channel <= 15):
            raise ScuffError(f"a note's channel is 0 to 15, not {self.channel!r}")
        if not (isinstance(self.velocity, (int, float)) and math.isfinite(self.velocity) and 0 <= self.velocity <= 1):
            raise ScuffError(f"a note's velocity is 0 to 1, not {self.velocity!r}")
        if not (isinstance(self.note_id, int) and -1 <= self.note_id < 2**31):
            raise ScuffError(f"a note id is -1 (none) or a non-negative int32, not {self.note_id!r}")
        object.__setattr__(self, "_record", _PACK.pack(
            self.frame, 0, 0, self._KIND, self.channel, self.key, 0, b"", self.note_id, self.velocity))


@dataclass(frozen=True)
class NoteOn(_Note):
    """A note starting at `frame` (from the start of a render, or within a block)."""

    _KIND = _NOTE_ON


@dataclass(frozen=True)
class NoteOff(_Note):
    """A note ending at `frame`; `velocity` is the release velocity."""

    _KIND = _NOTE_OFF


@dataclass(frozen=True)
class NoteChoke(_Note):
    """A note silenced at once at `frame`, without its release (CLAP's note choke; VST3 and
    MIDI plugins get a note off)."""

    _KIND = _CHOKE


@dataclass(frozen=True)
class Midi:
    """Raw MIDI bytes (one channel message of 1 to 3 bytes) at `frame`."""

    frame: int
    data: bytes
    _record: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_frame(self.frame)
        data = bytes(self.data)
        object.__setattr__(self, "data", data)
        if not 1 <= len(data) <= 3 or data[0] < 0x80 or any(b > 0x7F for b in data[1:]):
            raise ScuffError(f"MIDI data is one status byte and up to two data bytes, not {data.hex(' ')}")
        object.__setattr__(self, "_record", _PACK.pack(
            self.frame, 0, 0, _MIDI, data[0] & 0x0F, 0, len(data), data, -1, 0.0))


Event = NoteOn | NoteOff | NoteChoke | Midi


def _check_frame(frame: object) -> None:
    if isinstance(frame, bool) or not isinstance(frame, (int, np.integer)) or frame < 0:
        raise ScuffError(f"an event's frame is a non-negative int, not {frame!r}")


def to_records(events: Iterable[Event], port: int, frames: int) -> np.ndarray:
    """`events` for note port `port`, as records sorted by frame (stable); each frame must
    lie within `frames`."""
    events = list(events)
    try:
        packed = b"".join([event._record for event in events])
    except AttributeError:
        wrong = next(e for e in events if not isinstance(e, (NoteOn, NoteOff, NoteChoke, Midi)))
        raise ScuffError(f"events are scuff.NoteOn, NoteOff, NoteChoke or Midi, not {type(wrong).__name__}") from None
    records = np.frombuffer(packed, dtype=RECORD).copy()
    if records.size and int(records["frame"].max()) >= frames:
        late = events[int(np.argmax(records["frame"]))]
        raise ScuffError(f"{late!r} lies beyond the {frames} frames processed")
    records["port"] = port
    ordered: np.ndarray = records[np.argsort(records["frame"], kind="stable")]
    return ordered


def from_records(records: np.ndarray, ports: int) -> list[tuple[int, Event]]:
    """(note port, event) for each record, in order. The records come from a sandbox: those
    that name a port beyond `ports` or hold values no event has are dropped."""
    result: list[tuple[int, Event]] = []
    for record in records:
        frame, port, kind = int(record["frame"]), int(record["port"]), int(record["kind"])
        if port >= ports:
            continue
        event: Event
        if kind == _MIDI:
            size = int(record["midi_size"])
            if not 1 <= size <= 3 or record["midi"][0] < 0x80:
                continue
            event = Midi(frame, bytes(int(b) & (0xFF if i == 0 else 0x7F) for i, b in enumerate(record["midi"][:size])))
        elif kind in (_NOTE_ON, _NOTE_OFF, _CHOKE) and 0 <= record["key"] <= 127 and record["channel"] <= 15:
            velocity = float(record["velocity"])
            velocity = min(max(velocity, 0.0), 1.0) if math.isfinite(velocity) else 0.0
            note_id = int(record["note_id"]) if record["note_id"] >= -1 else -1
            kind_class = NoteOn if kind == _NOTE_ON else NoteOff if kind == _NOTE_OFF else NoteChoke
            event = kind_class(frame, int(record["key"]), velocity, int(record["channel"]), note_id)
        else:
            continue
        result.append((port, event))
    return result


def block_counts(records: Sequence[np.ndarray], block_size: int) -> int:
    """The most events any one block of these record arrays carries."""
    frames = np.concatenate([r["frame"] for r in records]) if records else np.zeros(0, np.uint64)
    return int(np.bincount((frames // block_size).astype(np.int64)).max()) if frames.size else 0
