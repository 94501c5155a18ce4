"""What a confined process was refused, as it reports it: a file operation its file-system
view or Landlock refused (reported by the C library calls scuff-sbox interposes,
`refusal_reports.hpp`), or a system call seccomp refused. The process may be hostile and
may write anything on its report descriptor, so every line is bounded, every field checked,
and no more than a few refusals a second are taken in."""

from __future__ import annotations

import errno
import os
import time
from collections import deque
from dataclasses import dataclass

from .display import local_display

# How many refusals a process's reports keep, and how many reports they look at per window
# (scuff-sbox sends at most 32 at once and 8 a second; more is a plugin writing them itself).
KEPT = 256
PER_WINDOW = 128
WINDOW_S = 10.0

FILE_OPERATIONS = frozenset({"read", "write", "create", "list", "mkdir", "unlink", "rmdir", "rename", "link",
                             "symlink", "truncate", "connect", "bind"})
# Operations that make a new name: what must exist outside the view is its folder.
_CREATING = frozenset({"create", "mkdir", "rename", "link", "symlink", "bind"})
MAX_PATH = 1024


@dataclass(frozen=True)
class Refusal:
    """One thing a sandbox refused its plugin: `operation` on `path` ("read", "write",
    "create", "mkdir", "unlink", "rename", "connect"... with the path it named; an abstract
    socket's name starts with "@"), or the system call `operation` (its path empty);
    `error` is the errno's name, `reason` says what refused it, and `time` when (seconds
    since the epoch, as the client received it)."""

    operation: str
    path: str
    error: str
    reason: str
    time: float

    def __str__(self) -> str:
        target = f" {self.path}" if self.path else ""
        return f"{self.operation}{target}: {self.error}, {self.reason}"


def _unescape(text: str) -> str | None:
    """The path as the process sent it (\\xHH for each escaped byte); None if malformed."""
    raw = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "\\":
            digits = text[i + 2:i + 4]
            if text[i + 1:i + 2] != "x" or len(digits) != 2 or not all(c in "0123456789abcdef" for c in digits):
                return None
            raw.append(int(digits, 16))
            i += 4
        else:
            raw += text[i].encode("utf-8")
            i += 1
    return raw.decode("utf-8", errors="replace")


def _error_name(number: int) -> str:
    return errno.errorcode.get(number, str(number))


class Refusals:
    """The refusals one process reported: the latest KEPT of them, and how many were
    reported in all (taken in or not)."""

    def __init__(self) -> None:
        self.latest: deque[Refusal] = deque(maxlen=KEPT)
        self.reported = 0
        self._window_start = 0.0
        self._in_window = 0

    def file_refusal(self, rest: str) -> Refusal | None:
        """A "refused-file OP ERRNO PATH" line's fields; None when malformed, or when the
        path is simply not there (not in the view, nor outside it)."""
        operation, _, rest = rest.partition(" ")
        number, _, raw_path = rest.partition(" ")
        if operation not in FILE_OPERATIONS or not (number.isascii() and number.isdigit()) or len(number) > 4:
            return None
        path = _unescape(raw_path[: 4 * MAX_PATH])
        if path is None or not path or len(path) > MAX_PATH or not (path.startswith("/") or path.startswith("@")):
            return None
        if not self._admit():
            return None
        reason = self._reason(operation, int(number), path)
        if reason is None:
            return None
        return self._keep(Refusal(operation, path, _error_name(int(number)), reason, time.time()))

    def call_refusal(self, name: str, number: int) -> Refusal | None:
        """A system call seccomp refused ("refused NAME ERRNO")."""
        if not self._admit():
            return None
        return self._keep(Refusal(name, "", _error_name(number), "refused by seccomp", time.time()))

    def dropped(self, count: int) -> None:
        """The process left out `count` refusals to stay within its rate."""
        self.reported += min(count, 1 << 32)

    def _admit(self) -> bool:
        now = time.monotonic()
        if now - self._window_start > WINDOW_S:
            self._window_start, self._in_window = now, 0
        self._in_window += 1
        if self._in_window > PER_WINDOW:
            self.reported += 1
            return False
        return True

    def _keep(self, refusal: Refusal) -> Refusal:
        self.reported += 1
        self.latest.append(refusal)
        return refusal

    @staticmethod
    def _reason(operation: str, number: int, path: str) -> str | None:
        if path.startswith("@"):
            display = local_display()
            if display is not None and path == f"@{display.socket}":
                # Xlib tries the X server's abstract name before its socket, which is there.
                return None
            return "no abstract socket of the host in its network namespace"
        if number == errno.EROFS:
            return "read-only in its file-system view"
        if number in (errno.EACCES, errno.EPERM):
            return "refused by Landlock"
        if number != errno.ENOENT:
            return None
        # Not in its view: a refusal only if it is there outside.
        outside = os.path.dirname(path) if operation in _CREATING else path
        if not os.path.lexists(outside):
            return None
        if path.startswith(os.path.join(os.path.expanduser("~"), "")):
            return "outside its file-system view: its home folder is a settings home"
        return "outside its file-system view"
