"""What a confined process reports on its report descriptor: at start, what it could
enforce on this kernel (`Confinement`); later, what it was stopped or refused for. One
line per report; the process may be hostile, so every line is bounded and checked."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from .limits import SandboxLimits
from .refusals import Refusal, Refusals

log = logging.getLogger("scuff.sandbox")

MAX_LINE = 16384
MAX_ITEMS = 32


@dataclass(frozen=True)
class ConfinementItem:
    """One limit and how it is enforced on this machine, or why it is not."""

    what: str
    enforced: bool
    how: str


@dataclass(frozen=True)
class Confinement:
    """What a sandbox process actually enforces, as it reported it after confining itself."""

    limits: SandboxLimits
    items: tuple[ConfinementItem, ...]

    @property
    def confined(self) -> bool:
        """Whether anything at all is enforced."""
        return any(item.enforced for item in self.items)

    @property
    def enforced(self) -> dict[str, str]:
        """Each enforced limit and its mechanism."""
        return {item.what: item.how for item in self.items if item.enforced}

    @property
    def not_enforced(self) -> dict[str, str]:
        """Each limit asked for that this kernel could not enforce, and why."""
        return {item.what: item.how for item in self.items if not item.enforced}

    def __str__(self) -> str:
        if not self.limits.confine:
            return "not confined (SandboxLimits.unconfined())"
        width = max((len(item.what) for item in self.items), default=0)
        return "\n".join(f"{'yes' if item.enforced else 'NO ':3}  {item.what:<{width}}  {item.how}"
                         for item in self.items)


def parse_confinement(limits: SandboxLimits, text: str) -> Confinement:
    """The `confinement` report's JSON; whatever it lacks counts as not enforced."""
    try:
        document = json.loads(text)
        raw = document["items"]
        items = tuple(ConfinementItem(str(i["what"])[:80], i["enforced"] is True, str(i["how"])[:800])
                      for i in raw[:MAX_ITEMS])
    except (ValueError, KeyError, TypeError, RecursionError):
        items = (ConfinementItem("report", False, "the process sent a malformed confinement report"),)
    return Confinement(limits, items)


def unreported(limits: SandboxLimits, why: str) -> Confinement:
    return Confinement(limits, (ConfinementItem("report", False, why),))


class ReportReader:
    """Reads a confined process's report lines (fed in chunks, from any thread).
    `on_refusal` is given each refusal taken in (see `refusals.py`)."""

    def __init__(self, limits: SandboxLimits, describe: Callable[[], str],
                 on_confinement: Callable[[Confinement], None],
                 on_refusal: Callable[[Refusal], None] | None = None) -> None:
        self._limits = limits
        self._describe = describe
        self._on_confinement = on_confinement
        self._on_refusal = on_refusal
        self._buffer = b""
        self._lock = threading.Lock()
        self.forbidden_syscall: str | None = None
        self.memory_limit_reached = False
        self.refusals = Refusals()

    def feed(self, data: bytes) -> None:
        with self._lock:
            self._buffer += data
            *lines, self._buffer = self._buffer.split(b"\n")
            if len(self._buffer) > MAX_LINE:
                self._buffer = b""
        for line in lines:
            self._line(line[:MAX_LINE].decode("utf-8", errors="replace"))

    def _line(self, line: str) -> None:
        kind, _, rest = line.partition(" ")
        if kind == "confinement":
            self._on_confinement(parse_confinement(self._limits, rest))
        elif kind == "forbidden-syscall":
            _, _, name = rest.partition(" ")
            name = name.strip()[:40] or "unknown"
            if self.forbidden_syscall is None:
                self.forbidden_syscall = name
                log.warning("%s: the plugin made a forbidden system call, %s, and is stopped",
                            self._describe(), name)
        elif kind == "memory-limit":
            if not self.memory_limit_reached:
                self.memory_limit_reached = True
                log.warning("%s: the plugin reached the memory limit (%s MB) and is stopped",
                            self._describe(), self._limits.memory_mb)
        elif kind == "refused":
            name, _, number = rest.partition(" ")
            if not (number.isascii() and number.isdigit() and len(number) <= 4 and name.isidentifier()):
                return
            refusal = self.refusals.call_refusal(name[:40], int(number))
            if refusal is not None:
                log.warning("%s: the plugin tried %s, which its limits do not allow (refused with %s)",
                            self._describe(), refusal.operation, refusal.error)
                self._refused(refusal)
        elif kind == "refused-file":
            refusal = self.refusals.file_refusal(rest)
            if refusal is not None:
                log.info("%s: the plugin was refused %s", self._describe(), refusal)
                self._refused(refusal)
        elif kind == "refused-file-dropped":
            if rest.isascii() and rest.isdigit() and len(rest) <= 12:
                self.refusals.dropped(int(rest))

    def _refused(self, refusal: Refusal) -> None:
        if self._on_refusal is not None:
            self._on_refusal(refusal)
