"""The client's end of a sandbox's control socket: length-prefixed frames, with file
descriptors passed beside them (the sandbox side is cpp/common/src/frame_socket.cpp)."""

from __future__ import annotations

import array
import socket
import struct
import threading
from collections.abc import Iterator, Sequence

from ..errors import ProtocolError

MAX_FRAME_BYTES = 256 << 20
_PREFIX = struct.Struct("<I")


class ControlChannel:
    """Sends frames from any thread; received bytes are fed in by the event loop."""

    def __init__(self, sock: socket.socket) -> None:
        self.socket = sock
        self._send_lock = threading.Lock()
        self._incoming = bytearray()

    def send(self, payload: bytes, fds: Sequence[int] = ()) -> None:
        """Sends one frame; raises OSError once the sandbox is gone."""
        data = _PREFIX.pack(len(payload)) + payload
        ancillary = []
        if fds:
            ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]
        with self._send_lock:
            sent = self.socket.sendmsg([data], ancillary)
            if sent < len(data):
                self.socket.sendall(data[sent:])

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Adds received bytes and yields every frame they complete."""
        self._incoming += data
        while len(self._incoming) >= _PREFIX.size:
            (size,) = _PREFIX.unpack_from(self._incoming)
            if size > MAX_FRAME_BYTES:
                raise ProtocolError(f"sandbox announced a {size}-byte message")
            end = _PREFIX.size + size
            if len(self._incoming) < end:
                return
            frame = bytes(self._incoming[_PREFIX.size : end])
            del self._incoming[:end]
            yield frame

    def close(self) -> None:
        self.socket.close()
