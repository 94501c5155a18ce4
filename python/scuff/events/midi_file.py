"""Standard MIDI files as scuff events, read with mido (`pip install scuff[midi]`)."""

from __future__ import annotations

import os
from typing import Any

from ..errors import ScuffError
from .notes import Event, Midi, NoteOff, NoteOn

# Channel messages other than notes travel as raw MIDI; meta and system messages stay behind.
_RAW_TYPES = {"control_change", "pitchwheel", "aftertouch", "polytouch", "program_change"}


def events_from_midi(midi: str | os.PathLike[str] | Any, sample_rate: float) -> list[Event]:
    """Every channel message of a MIDI file (a path or a `mido.MidiFile`), all tracks
    merged, at the frame its time falls on at `sample_rate` (the file's tempo map applied):
    notes as NoteOn and NoteOff (a note on with velocity 0 is a note off), other channel
    messages as Midi."""
    try:
        import mido
    except ImportError:
        raise ScuffError("reading MIDI files needs mido: pip install scuff[midi]") from None
    if not sample_rate > 0:
        raise ScuffError(f"sample_rate must be positive, not {sample_rate!r}")
    if isinstance(midi, (str, os.PathLike)):
        try:
            midi = mido.MidiFile(os.fspath(midi))
        except (OSError, ValueError, EOFError) as error:
            raise ScuffError(f"cannot read the MIDI file {os.fspath(midi)}: {error}") from error
    events: list[Event] = []
    seconds = 0.0
    # Iterating a MidiFile merges its tracks and gives each message's delta in seconds.
    for message in midi:
        seconds += message.time
        frame = round(seconds * sample_rate)
        if message.type == "note_on" and message.velocity > 0:
            events.append(NoteOn(frame, message.note, message.velocity / 127, message.channel))
        elif message.type in ("note_off", "note_on"):
            events.append(NoteOff(frame, message.note, message.velocity / 127, message.channel))
        elif message.type in _RAW_TYPES:
            events.append(Midi(frame, bytes(message.bytes())))
    return events
