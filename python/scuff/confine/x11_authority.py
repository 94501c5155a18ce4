"""X authority files (the format of ~/.Xauthority, libXau's): reading the session's cookie
for a display, and writing the one cookie a sandbox gets. Each entry is a family (16-bit,
big-endian), then four counted strings: address, display number, protocol name, data."""

from __future__ import annotations

import os
import socket
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FAMILY_LOCAL = 256
FAMILY_WILD = 65535
MIT_MAGIC_COOKIE = b"MIT-MAGIC-COOKIE-1"
# A session's authority file holds a few entries; anything this large is not one.
MAX_FILE_BYTES = 1 << 20


@dataclass(frozen=True)
class Cookie:
    """A protocol name (MIT-MAGIC-COOKIE-1) and its data."""

    name: bytes
    data: bytes


def session_authority_file() -> Path:
    """The client's own authority file: XAUTHORITY, else ~/.Xauthority."""
    return Path(os.environ.get("XAUTHORITY") or Path.home() / ".Xauthority")


def _entries(data: bytes) -> Iterator[tuple[int, bytes, bytes, bytes, bytes]]:
    at = 0
    while at + 2 <= len(data):
        (family,) = struct.unpack_from(">H", data, at)
        at += 2
        fields = []
        for _ in range(4):
            if at + 2 > len(data):
                return
            (size,) = struct.unpack_from(">H", data, at)
            at += 2
            if at + size > len(data):
                return
            fields.append(data[at:at + size])
            at += size
        yield family, fields[0], fields[1], fields[2], fields[3]


def session_cookie(display_number: int, path: Path | None = None) -> Cookie | None:
    """The cookie the session's authority file holds for local display `display_number`,
    as Xlib would pick it; None when there is none (or no readable file)."""
    path = path or session_authority_file()
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    host = socket.gethostname().encode()
    number = str(display_number).encode()
    for family, address, entry_number, name, cookie in _entries(data):
        local = family == FAMILY_WILD or (family == FAMILY_LOCAL and address == host)
        if local and entry_number in (number, b"") and name == MIT_MAGIC_COOKIE:
            return Cookie(name, cookie)
    return None


def write_authority(path: Path, display_number: int, cookie: Cookie) -> None:
    """Writes an authority file holding `cookie` alone, for display `display_number` on any
    local address; readable by this user only, and replaced whole."""
    number = str(display_number).encode()
    entry = struct.pack(">H", FAMILY_WILD)
    for field in (b"", number, cookie.name, cookie.data):
        entry += struct.pack(">H", len(field)) + field
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(entry)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
