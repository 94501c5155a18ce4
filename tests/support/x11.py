"""An X server for the editor tests (Xvfb, Mesa's software OpenGL) and what a real X client
sees of the editors' windows: properties, mapping, pixels, a window manager's close."""

from __future__ import annotations

import os
import pathlib
import shutil
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


class XClient:
    """A connection of the test's own: a real X client, as a window manager or a host is."""

    def __init__(self, name: str) -> None:
        self.display = display.Display(name)
        self.root = self.display.screen().root

    def close(self) -> None:
        self.display.close()

    def host_window(self, title: str = "host application") -> int:
        """A mapped top-level window standing for the host's main window."""
        window = self.root.create_window(0, 0, 900, 700, 0, self.display.screen().root_depth,
                                         background_pixel=self.display.screen().white_pixel)
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
        pixels = self.pixels(xid)[::4, ::4].astype(np.uint32)
        packed = (pixels[:, :, 0] << 16) | (pixels[:, :, 1] << 8) | pixels[:, :, 2]
        return len(np.unique(packed)) > 16

    def close_button(self, xid: int) -> None:
        """What a window manager sends when the user clicks the close button."""
        atom = self.display.intern_atom
        event = protocol.event.ClientMessage(window=self.window(xid), client_type=atom("WM_PROTOCOLS"),
                                             data=(32, [atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]))
        self.window(xid).send_event(event)
        self.display.sync()


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
