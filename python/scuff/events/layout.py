"""The packed record an event travels in to the native block loop: the layout of
ScheduledEvent in bindings/device_memory.hpp."""

from __future__ import annotations

import struct

import numpy as np

# NoteEventKind in cpp/common/include/scuff/shared_layout.hpp.
NOTE_ON, NOTE_OFF, CHOKE, MIDI = 0, 1, 2, 3

# RECORD packed by struct: frame, the event's frame (filled natively), port, kind, channel,
# key, MIDI size and bytes, padding, note id, velocity.
PACK = struct.Struct("<QIHBBhB3s2xif")

RECORD = np.dtype({
    "names": ["frame", "port", "kind", "channel", "key", "midi_size", "midi", "note_id", "velocity"],
    "formats": ["<u8", "<u2", "u1", "u1", "<i2", "u1", ("u1", 3), "<i4", "<f4"],
    "offsets": [0, 12, 14, 15, 16, 18, 19, 24, 28],
    "itemsize": 32,
})
