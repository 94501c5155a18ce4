"""Events to and from the packed records of the native block loop."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from ..errors import ScuffError
from .layout import CHOKE, MIDI, NOTE_OFF, NOTE_ON, RECORD
from .notes import Event, Midi, NoteChoke, NoteOff, NoteOn


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
        if kind == MIDI:
            size = int(record["midi_size"])
            if not 1 <= size <= 3 or record["midi"][0] < 0x80:
                continue
            event = Midi(frame, bytes(int(b) & (0xFF if i == 0 else 0x7F) for i, b in enumerate(record["midi"][:size])))
        elif kind in (NOTE_ON, NOTE_OFF, CHOKE) and 0 <= record["key"] <= 127 and record["channel"] <= 15:
            velocity = float(record["velocity"])
            velocity = min(max(velocity, 0.0), 1.0) if math.isfinite(velocity) else 0.0
            note_id = int(record["note_id"]) if record["note_id"] >= -1 else -1
            kind_class = NoteOn if kind == NOTE_ON else NoteOff if kind == NOTE_OFF else NoteChoke
            event = kind_class(frame, int(record["key"]), velocity, int(record["channel"]), note_id)
        else:
            continue
        result.append((port, event))
    return result


def block_counts(records: Sequence[np.ndarray], block_size: int) -> int:
    """The most events any one block of these record arrays carries."""
    frames = np.concatenate([r["frame"] for r in records]) if records else np.zeros(0, np.uint64)
    return int(np.bincount((frames // block_size).astype(np.int64)).max()) if frames.size else 0
