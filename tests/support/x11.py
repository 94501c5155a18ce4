"""An X server for the editor tests (Xvfb, Mesa's software OpenGL) and what a real X client
sees of the editors' windows: properties, mapping, pixels, a window manager's close."""

from __future__ import annotations

import os
import pathlib
import secrets
import shutil
import socket
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from Xlib import X, Xatom, display, error, protocol

from support.waiting import wait_until


@contextmanager
def xvfb_display(authority: pathlib.Path | None = None) -> Iterator[str]:
    """Starts Xvfb on a free display number; yields the DISPLAY value. With `authority` (an
    X authority file), the server admits only clients with one of its cookies, as a desktop
    session's does; without, it admits every local client."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is missing: bash ci/install-system-packages.sh installs it (Debian: xvfb)")
    log_path = pathlib.Path(__file__).resolve().parents[2] / "build" / "artifacts" / "xvfb.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free number and writes it once it accepts connections.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1200x24", "-nolisten", "tcp", "-noreset",
         *(["-auth", str(authority)] if authority is not None else [])],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=log)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as numbers:
            number = numbers.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=5)
        log.close()


FAMILY_LOCAL, FAMILY_WILD = 256, 0xFFFF


def authority_entry(number: bytes, cookie: bytes, family: int = FAMILY_WILD, address: bytes = b"") -> bytes:
    """One entry of an X authority file: display `number` (empty: any) at `address`."""
    fields = (address, number, b"MIT-MAGIC-COOKIE-1", cookie)
    return struct.pack(">H", family) + b"".join(struct.pack(">H", len(f)) + f for f in fields)


@contextmanager
def authorised_xvfb(folder: pathlib.Path) -> Iterator[tuple[str, pathlib.Path]]:
    """An Xvfb that admits only clients with its cookie, as a desktop session's does; yields
    its DISPLAY value and the authority file (in `folder`) that holds the cookie for it on this
    machine, as a session's does."""
    authority = folder / "Xauthority"
    cookie = secrets.token_bytes(16)
    authority.write_bytes(authority_entry(b"", cookie))
    with xvfb_display(authority) as name:
        authority.write_bytes(authority_entry(name.lstrip(":").encode(), cookie, FAMILY_LOCAL,
                                              socket.gethostname().encode()))
        yield name, authority


class XClient:
    """A connection of the test's own: a real X client, as a window manager or a host is."""

    def __init__(self, name: str) -> None:
        self.display = display.Display(name)
        self.root = self.display.screen().root

    def close(self) -> None:
        self.display.close()

    def host_window(self, title: str = "host application", colour: int | None = None,
                    at: tuple[int, int] = (0, 0)) -> int:
        """A mapped top-level window standing for the host's main window, white or filled
        with `colour` (0xRRGGBB, on a 24-bit screen), its corner `at` on the screen."""
        background = self.display.screen().white_pixel if colour is None else colour
        window = self.root.create_window(*at, 900, 700, 0, self.display.screen().root_depth,
                                         background_pixel=background)
        window.set_wm_name(title)
        window.map()
        self.display.sync()
        return int(window.id)

    def window(self, xid: int):
        return self.display.create_resource_object("window", xid)

    def is_viewable(self, xid: int) -> bool:
        try:
            return self.window(xid).get_attributes().map_state == X.IsViewable
        except error.BadWindow:
            return False

    def wait_viewable(self, xid: int, timeout: float = 5.0) -> None:
        wait_until(lambda: self.is_viewable(xid), timeout=timeout, what=f"window {xid:#x} mapped")

    def exists(self, xid: int) -> bool:
        try:
            self.window(xid).get_geometry()
            return True
        except error.BadDrawable:
            return False

    def properties(self, xid: int) -> dict[str, object]:
        window = self.window(xid)
        atom = self.display.intern_atom
        pid = window.get_full_property(atom("_NET_WM_PID"), Xatom.CARDINAL)
        transient = window.get_full_property(Xatom.WM_TRANSIENT_FOR, Xatom.WINDOW)
        name = window.get_full_property(atom("_NET_WM_NAME"), atom("UTF8_STRING"))
        protocols = window.get_wm_protocols()
        return {
            "pid": int(pid.value[0]) if pid else None,
            "transient_for": int(transient.value[0]) if transient else None,
            "class": window.get_wm_class(),
            "title": name.value.decode() if name else window.get_wm_name(),
            "protocols": [self.display.get_atom_name(p) for p in protocols],
            "machine": window.get_wm_client_machine(),
        }

    def size(self, xid: int) -> tuple[int, int]:
        geometry = self.window(xid).get_geometry()
        return int(geometry.width), int(geometry.height)

    def children(self, xid: int) -> list[int]:
        return [int(child.id) for child in self.window(xid).query_tree().children]

    def pixels(self, xid: int) -> np.ndarray:
        """The window's pixels as (height, width, 3) uint8 RGB."""
        width, height = self.size(xid)
        image = self.window(xid).get_image(0, 0, width, height, X.ZPixmap, 0xFFFFFFFF)
        data = np.frombuffer(image.data, dtype=np.uint8)
        bgrx = data[: width * height * 4].reshape(height, width, 4)
        return bgrx[:, :, 2::-1].copy()

    def is_drawn(self, xid: int) -> bool:
        """Whether the window holds a drawing: more than 16 colours in it, not a flat fill."""
        return is_a_drawing(self.pixels(xid))

    def find_named(self, name: str, depth: int = 3) -> int:
        """The viewable window named `name` (WM_NAME) beneath the root, down to `depth`
        levels; 0: none."""
        level = [self.root]
        for _ in range(depth):
            below = []
            for window in level:
                for child in window.query_tree().children:
                    if child.get_wm_name() == name and self.is_viewable(int(child.id)):
                        return int(child.id)
                    below.append(child)
            level = below
        return 0

    def transient_for(self, xid: int) -> int:
        owner = self.window(xid).get_wm_transient_for()
        return int(owner.id) if owner else 0

    def grab_keyboard(self) -> int:
        """Grabs the keyboard as a client of the session would; the status (X.GrabSuccess,
        X.AlreadyGrabbed...). Ungrabbed again at once."""
        status = self.root.grab_keyboard(False, X.GrabModeAsync, X.GrabModeAsync, X.CurrentTime)
        self.display.ungrab_keyboard(X.CurrentTime)
        self.display.sync()
        return int(status)

    def close_button(self, xid: int) -> None:
        """What a window manager sends when the user clicks the close button."""
        atom = self.display.intern_atom
        event = protocol.event.ClientMessage(window=self.window(xid), client_type=atom("WM_PROTOCOLS"),
                                             data=(32, [atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]))
        self.window(xid).send_event(event)
        self.display.sync()


def is_a_drawing(pixels: np.ndarray) -> bool:
    """Whether (height, width, 3) pixels hold a drawing: more than 16 colours, not a flat fill."""
    sampled = pixels[::4, ::4].astype(np.uint32)
    packed = (sampled[:, :, 0] << 16) | (sampled[:, :, 1] << 8) | sampled[:, :, 2]
    return len(np.unique(packed)) > 16


def save_png(pixels: np.ndarray, path: pathlib.Path) -> None:
    """Writes (height, width, 3) uint8 RGB as a PNG, with no imaging library."""
    height, width, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def xdotool(display_name: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, env={**os.environ, "DISPLAY": display_name},
                   stdout=subprocess.DEVNULL, timeout=10)


def settle(seconds: float = 0.3) -> None:
    time.sleep(seconds)


def drag_until_a_param_moves(device, group, display_name: str, window: int) -> tuple[int, float]:
    """Drags upwards at points of `window` (the editor's, or a window holding it at its
    corner) until a parameter of `device` changes; returns it and its value."""
    width, height = device.editor_size
    # Meters (read-only) move with the audio; a gesture moves a parameter the user can set.
    settable = [p for p in device.params if not p.is_readonly]
    before = {p.id: device.get_param(p) for p in settable}
    for fy in (0.5, 0.35, 0.65, 0.25, 0.8):
        for fx in (0.15, 0.3, 0.45, 0.6, 0.75, 0.9):
            px, py = int(width * fx), int(height * fy)
            xdotool(display_name, "mousemove", "--window", str(window), str(px), str(py), "mousedown", "1")
            for step in range(1, 6):
                xdotool(display_name, "mousemove", "--window", str(window), str(px), str(py - 12 * step))
                time.sleep(0.02)
            xdotool(display_name, "mouseup", "1")
            time.sleep(0.15)
            # DPF's CLAP builds hand editor gestures to the host in their next process call.
            group.render({}, device.output(0), frames=group.block_size * 2)
            after = {p.id: device.get_param(p) for p in settable}
            changed = [pid for pid in before if after[pid] != before[pid]]
            if changed:
                return changed[0], after[changed[0]]
    raise AssertionError("no drag in the editor changed a parameter")
