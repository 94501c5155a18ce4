"""A minimal X11 client, for what the client asks the X server on a sandbox's behalf: a
cookie of the sandbox's own (the SECURITY extension's GenerateAuthorization, as `xauth
generate` makes one), whom the server admits without a cookie (ListHosts), which
extensions a connection gets (ListExtensions), and for a nested server's window, finding,
sizing and parenting it (QueryTree, GetProperty, ConfigureWindow, ChangeProperty). It speaks the core protocol over the
display's Unix socket itself, so the client needs no X library, holds no global Xlib state,
and never waits longer than its timeout."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from ..errors import ScuffError
from .display import Display
from .x11_authority import Cookie

TIMEOUT_S = 2.0
_LIST_EXTENSIONS, _QUERY_EXTENSION, _LIST_HOSTS = 99, 98, 110
_GENERATE_AUTHORIZATION, _REVOKE_AUTHORIZATION = 1, 2
_CREATE_WINDOW, _MAP_WINDOW, _UNMAP_WINDOW, _CONFIGURE_WINDOW, _QUERY_TREE, _INTERN_ATOM = 1, 8, 10, 12, 15, 16
_CHANGE_PROPERTY, _GET_PROPERTY, _SEND_EVENT, _GET_INPUT_FOCUS = 18, 20, 25, 43
# Predefined atoms, CreateWindow's and ConfigureWindow's value masks, an event's code.
_ANY_TYPE, _ATOM_ATOM, _ATOM_STRING, _ATOM_WINDOW, _ATOM_WM_NAME, _ATOM_WM_TRANSIENT_FOR = 0, 4, 31, 33, 39, 68
_BACKGROUND_PIXEL = 1 << 1
_CLIENT_MESSAGE = 33
_X, _Y, _WIDTH, _HEIGHT = 1 << 0, 1 << 1, 1 << 2, 1 << 3
# How deep beneath the root a window manager's frames put a client's window.
FIND_DEPTH = 3
# GenerateAuthorization's value mask: timeout, then trust level.
_TIMEOUT, _TRUST_LEVEL = 1 << 0, 1 << 1
TRUSTED, UNTRUSTED = 0, 1
MAX_REPLY_BYTES = 1 << 20


class X11Error(ScuffError):
    """The X server refused, or could not be reached."""


# Families of the server's access list, as ListHosts gives them.
FAMILY_SERVER_INTERPRETED = 5
FAMILY_LOCAL_HOST = 252


@dataclass(frozen=True)
class Host:
    """An entry of the server's access list: its family (0 Internet, FAMILY_SERVER_INTERPRETED,
    FAMILY_LOCAL_HOST...) and address."""

    family: int
    address: bytes


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


class X11Connection:
    """One connection to a local display, authorised by `cookie` (None: none)."""

    def __init__(self, display: Display, cookie: Cookie | None, timeout: float = TIMEOUT_S) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.settimeout(timeout)
        self._sequence = 0
        try:
            self._socket.connect(str(display.socket))
            name, data = (cookie.name, cookie.data) if cookie else (b"", b"")
            self._socket.sendall(struct.pack("<BxHHHHxx", 0x6C, 11, 0, len(name), len(data))
                                 + _padded(name) + _padded(data))
            header = self._read(8)
            status, reason_size, _, _, extra = struct.unpack("<BBHHH", header)
            body = self._read(4 * extra)
            self.root = _first_root(body) if status == 1 else 0
            self._resource_base = struct.unpack_from("<I", body, 4)[0] if status == 1 and len(body) >= 8 else 0
            self._events = b""
        except OSError as error:
            self.close()
            raise X11Error(f"cannot reach the X display :{display.number}: {error}") from None
        if status != 1:
            self.close()
            reason = body[:reason_size].decode("latin-1", errors="replace").strip() or "no reason given"
            raise X11Error(f"the X display :{display.number} refused the connection: {reason}")

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> X11Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read(self, size: int) -> bytes:
        if size > MAX_REPLY_BYTES:
            raise OSError("the reply is too large")
        data = b""
        while len(data) < size:
            chunk = self._socket.recv(size - len(data))
            if not chunk:
                raise OSError("the server closed the connection")
            data += chunk
        return data

    def _request(self, data: bytes) -> bytes:
        """Sends one request and returns its whole reply (skipping events); raises X11Error
        on an error."""
        self._sequence = (self._sequence + 1) & 0xFFFF
        try:
            self._socket.sendall(data)
            while True:
                packet = self._read(32)
                if packet[0] == 1:
                    (extra,) = struct.unpack_from("<I", packet, 4)
                    return packet + self._read(4 * extra)
                if packet[0] == 0:
                    raise X11Error(f"the X server refused the request (error {packet[1]})")
        except OSError as error:
            raise X11Error(f"the X server did not answer: {error}") from None

    def _send(self, data: bytes) -> None:
        """Sends a request that has no reply, then waits for a round trip, so that an error
        it caused is raised here."""
        self._sequence = (self._sequence + 1) & 0xFFFF
        try:
            self._socket.sendall(data)
        except OSError as error:
            raise X11Error(f"the X server did not answer: {error}") from None
        self._request(struct.pack("<BxH", _GET_INPUT_FOCUS, 1))

    def children(self, window: int) -> list[int]:
        reply = self._request(struct.pack("<BxHI", _QUERY_TREE, 2, window))
        (count,) = struct.unpack_from("<H", reply, 16)
        return list(struct.unpack_from(f"<{count}I", reply, 32)) if len(reply) >= 32 + 4 * count else []

    def window_name(self, window: int) -> bytes:
        reply = self._request(struct.pack("<BxHIIIII", _GET_PROPERTY, 6, window, _ATOM_WM_NAME, _ANY_TYPE, 0, 256))
        fmt, (size,) = reply[1], struct.unpack_from("<I", reply, 16)
        return reply[32:32 + size] if fmt == 8 else b""

    def find_window(self, name: str) -> int:
        """The window named `name` (WM_NAME) among the root's children and theirs, down to
        FIND_DEPTH; 0 when there is none."""
        wanted, level = name.encode("latin-1", errors="replace"), [self.root]
        for _ in range(FIND_DEPTH):
            below = []
            for window in level:
                try:
                    for child in self.children(window):
                        if self.window_name(child) == wanted:
                            return child
                        below.append(child)
                except X11Error:
                    continue  # gone meanwhile
            level = below
        return 0

    def configure_size(self, window: int, width: int, height: int) -> None:
        self._send(struct.pack("<BxHIHxxII", _CONFIGURE_WINDOW, 5, window, _WIDTH | _HEIGHT, width, height))

    def move(self, window: int, x: int, y: int) -> None:
        self._send(struct.pack("<BxHIHxxii", _CONFIGURE_WINDOW, 5, window, _X | _Y, x, y))

    def set_transient_for(self, window: int, owner: int) -> None:
        self._send(struct.pack("<BBHIIIBxxxII", _CHANGE_PROPERTY, 0, 7, window, _ATOM_WM_TRANSIENT_FOR, _ATOM_WINDOW,
                               32, 1, owner))

    def set_name(self, window: int, name: str) -> None:
        data = name.encode("latin-1", errors="replace")[:1024]
        self._send(struct.pack("<BBHIIIBxxxI", _CHANGE_PROPERTY, 0, 6 + len(_padded(data)) // 4, window, _ATOM_WM_NAME,
                               _ATOM_STRING, 8, len(data)) + _padded(data))

    def set_mapped(self, window: int, mapped: bool) -> None:
        self._send(struct.pack("<BxHI", _MAP_WINDOW if mapped else _UNMAP_WINDOW, 2, window))

    def fileno(self) -> int:
        return self._socket.fileno()

    def intern_atom(self, name: str) -> int:
        encoded = name.encode("ascii")
        reply = self._request(struct.pack("<BBHHxx", _INTERN_ATOM, 0, 2 + len(_padded(encoded)) // 4, len(encoded))
                              + _padded(encoded))
        return int(struct.unpack_from("<I", reply, 8)[0])

    def create_window(self, width: int, height: int) -> int:
        """A black top-level window of this connection's (its first id), unmapped."""
        window = self._resource_base | 1
        self._send(struct.pack("<BBHIIhhHHHHIII", _CREATE_WINDOW, 0, 9, window, self.root, 0, 0, width, height, 0, 1,
                               0, _BACKGROUND_PIXEL, 0))
        return window

    def set_atoms(self, window: int, property_atom: int, atoms: list[int]) -> None:
        self._send(struct.pack(f"<BBHIIIBxxxI{len(atoms)}I", _CHANGE_PROPERTY, 0, 6 + len(atoms), window, property_atom,
                               _ATOM_ATOM, 32, len(atoms), *atoms))

    def send_client_message(self, window: int, type_atom: int, value: int) -> None:
        """A ClientMessage to the client that made `window`, as a window manager sends
        WM_DELETE_WINDOW."""
        event = struct.pack("<BBHII5I", _CLIENT_MESSAGE, 32, 0, window, type_atom, value, 0, 0, 0, 0)
        self._send(struct.pack("<BBHII", _SEND_EVENT, 0, 11, window, 0) + event)

    def client_messages(self) -> list[tuple[int, int, int]]:
        """The ClientMessages that arrived, as (window, type, first value), without waiting;
        other events are dropped. Raises X11Error when the server closed the connection."""
        while True:
            try:
                data = self._socket.recv(1 << 12, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as error:
                raise X11Error(f"the X server closed the connection: {error}") from None
            if not data:
                raise X11Error("the X server closed the connection")
            self._events += data
        messages = []
        while len(self._events) >= 32:
            event, self._events = self._events[:32], self._events[32:]
            if event[0] & 0x7F == _CLIENT_MESSAGE and event[1] == 32:
                window, kind, value = struct.unpack_from("<III", event, 4)
                messages.append((window, kind, value))
        return messages

    def query_extension(self, name: str) -> int | None:
        """The extension's major opcode, None when the server (for this connection) has none."""
        encoded = name.encode("ascii")
        reply = self._request(struct.pack("<BxHHxx", _QUERY_EXTENSION, 2 + len(_padded(encoded)) // 4, len(encoded))
                              + _padded(encoded))
        present, opcode = reply[8], reply[9]
        return opcode if present else None

    def list_extensions(self) -> list[str]:
        reply = self._request(struct.pack("<BxH", _LIST_EXTENSIONS, 1))
        count, names, at = reply[1], [], 32
        for _ in range(count):
            if at >= len(reply):
                break
            size = reply[at]
            names.append(reply[at + 1:at + 1 + size].decode("latin-1"))
            at += 1 + size
        return names

    def list_hosts(self) -> tuple[bool, list[Host]]:
        """Whether access control is on, and the hosts (and users) admitted without a cookie."""
        reply = self._request(struct.pack("<BxH", _LIST_HOSTS, 1))
        enabled = reply[1] == 1
        (count,) = struct.unpack_from("<H", reply, 8)
        hosts, at = [], 32
        for _ in range(count):
            if at + 4 > len(reply):
                break
            family, size = reply[at], struct.unpack_from("<H", reply, at + 2)[0]
            hosts.append(Host(family, reply[at + 4:at + 4 + size]))
            at += 4 + len(_padded(b"\0" * size))
        return enabled, hosts

    def generate_authorization(self, security: int, trust: int, timeout_s: int) -> tuple[int, Cookie]:
        """A new MIT-MAGIC-COOKIE-1 of trust level TRUSTED or UNTRUSTED, revoked `timeout_s`
        seconds after the last connection using it closes; its id and the cookie."""
        name = b"MIT-MAGIC-COOKIE-1"
        body = struct.pack("<HHI", len(name), 0, _TIMEOUT | _TRUST_LEVEL) + _padded(name) + struct.pack(
            "<II", timeout_s, trust)
        reply = self._request(struct.pack("<BBH", security, _GENERATE_AUTHORIZATION, 1 + len(body) // 4) + body)
        auth_id, size = struct.unpack_from("<IH", reply, 8)
        data = reply[32:32 + size]
        if len(data) != size or not data:
            raise X11Error("the X server sent a malformed authorization")
        return auth_id, Cookie(name, data)

    def revoke_authorization(self, security: int, auth_id: int) -> None:
        """Revokes a cookie made by generate_authorization; the server closes every
        connection that uses it. Waits for no answer."""
        try:
            self._socket.sendall(struct.pack("<BBHI", security, _REVOKE_AUTHORIZATION, 2, auth_id))
        except OSError:
            pass


def _first_root(setup: bytes) -> int:
    """The root window of the first screen, from the server's connection setup."""
    if len(setup) < 32:
        return 0
    vendor_size, = struct.unpack_from("<H", setup, 16)
    formats = setup[21]
    at = 32 + len(_padded(b"\0" * vendor_size)) + 8 * formats
    return struct.unpack_from("<I", setup, at)[0] if len(setup) >= at + 4 else 0
