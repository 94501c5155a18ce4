"""The X display a sandbox's editors use: which one DISPLAY names, and the Unix socket that
reaches it, the only socket of another program a confined sandbox's view shows."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SOCKET_FOLDER = Path("/tmp/.X11-unix")

# [unix]:NUMBER[.SCREEN]; a host name means TCP, which a sandbox without network cannot use.
_LOCAL_DISPLAY = re.compile(r"^(?:unix)?:(\d{1,5})(?:\.\d{1,5})?$")


@dataclass(frozen=True)
class Display:
    """A local X display: its number, and its socket (which may be gone)."""

    number: int

    @property
    def socket(self) -> Path:
        return SOCKET_FOLDER / f"X{self.number}"


def local_display(environ: Mapping[str, str] | None = None) -> Display | None:
    """The local display DISPLAY names, None when it names none (unset, or on another host)."""
    environ = os.environ if environ is None else environ
    match = _LOCAL_DISPLAY.match(environ.get("DISPLAY", ""))
    return Display(int(match.group(1))) if match else None


def display_socket(environ: Mapping[str, str] | None = None) -> Path | None:
    """The socket of the local display DISPLAY names, when there is one."""
    display = local_display(environ)
    if display is None:
        return None
    try:
        if stat.S_ISSOCK(os.stat(display.socket).st_mode):
            return display.socket
    except OSError:
        pass
    return None
