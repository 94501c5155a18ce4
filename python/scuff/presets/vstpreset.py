"""The `.vstpreset` file, as Steinberg documents it: a 48-byte header ("VST3", an int32
version, the plugin's class id as 32 ASCII characters, the int64 offset of the chunk
list), the data chunks, then the chunk list: "List", an int32 count, and per chunk its
4-character id, int64 offset and int64 size. All little-endian. The component's state is
the chunk "Comp", the controller's "Cont"; others (such as "Info", the XML meta data) are
read past."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from ..errors import PresetFormatError

HEADER = struct.Struct("<4si32sq")
ENTRY = struct.Struct("<4sqq")
VERSION = 1
# Far larger than any plugin's state; a file claiming more is not a preset.
MAX_SIZE = 256 * 1024 * 1024
_MAX_CHUNKS = 64
_CLASS_ID = re.compile(rb"[0-9A-Fa-f]{32}")


@dataclass(frozen=True)
class VstPreset:
    """What a `.vstpreset` holds for scuff: whose it is and the two states."""

    class_id: str
    component: bytes
    controller: bytes = b""


def write(preset: VstPreset) -> bytes:
    """The bytes of a `.vstpreset` file."""
    class_id = preset.class_id.upper().encode("ascii")
    if not _CLASS_ID.fullmatch(class_id):
        raise PresetFormatError(f"a VST3 class id is 32 hex digits, not {preset.class_id!r}")
    # "Cont" is written even when empty: some hosts (JUCE's) refuse a preset without it.
    chunks = [(b"Comp", preset.component), (b"Cont", preset.controller)]
    body = bytearray()
    entries = []
    for chunk_id, data in chunks:
        entries.append(ENTRY.pack(chunk_id, HEADER.size + len(body), len(data)))
        body += data
    list_offset = HEADER.size + len(body)
    header = HEADER.pack(b"VST3", VERSION, class_id, list_offset)
    return header + bytes(body) + b"List" + struct.pack("<i", len(entries)) + b"".join(entries)


def read(data: bytes, *, source: str = "the preset") -> VstPreset:
    """The class id and states in a `.vstpreset` file's bytes. Raises PresetFormatError,
    naming `source` and what is wrong, for anything else."""
    if len(data) > MAX_SIZE:
        raise PresetFormatError(f"{source} is larger than {MAX_SIZE} bytes: not a preset")
    if len(data) < HEADER.size:
        raise PresetFormatError(f"{source} is too short for a .vstpreset header ({len(data)} bytes)")
    magic, _version, class_id, list_offset = HEADER.unpack_from(data)
    if magic != b"VST3":
        raise PresetFormatError(f"{source} is not a .vstpreset file (it does not begin with 'VST3')")
    if not _CLASS_ID.fullmatch(class_id):
        raise PresetFormatError(f"{source} has no valid class id in its header")
    if not HEADER.size <= list_offset <= len(data) - 8:
        raise PresetFormatError(f"{source}: its chunk list offset ({list_offset}) lies outside the file")
    if data[list_offset:list_offset + 4] != b"List":
        raise PresetFormatError(f"{source}: no chunk list ('List') at offset {list_offset}")
    (count,) = struct.unpack_from("<i", data, list_offset + 4)
    entries_at = list_offset + 8
    if not 0 <= count <= _MAX_CHUNKS or entries_at + count * ENTRY.size > len(data):
        raise PresetFormatError(f"{source}: its chunk list claims {count} chunks, which the file cannot hold")
    chunks: dict[bytes, bytes] = {}
    for index in range(count):
        chunk_id, offset, size = ENTRY.unpack_from(data, entries_at + index * ENTRY.size)
        if not (HEADER.size <= offset and 0 <= size and offset + size <= list_offset):
            raise PresetFormatError(
                f"{source}: chunk {chunk_id!r} (offset {offset}, size {size}) lies outside the data")
        if chunk_id in chunks:
            raise PresetFormatError(f"{source}: the chunk {chunk_id!r} is listed twice")
        chunks[chunk_id] = data[offset:offset + size]
    if b"Comp" not in chunks:
        raise PresetFormatError(f"{source} holds no component state (no 'Comp' chunk)")
    return VstPreset(class_id.decode("ascii").upper(), chunks[b"Comp"], chunks.get(b"Cont", b""))
