"""Counts of what a client could leak: child processes (zombies included), descriptors and
shared-memory segments of this process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Resources:
    children: tuple[int, ...]
    zombies: tuple[int, ...]
    descriptors: int
    memfds: int

    def counts(self) -> tuple[int, int, int, int]:
        """What must not grow: processes, zombies, descriptors, memory segments."""
        return len(self.children), len(self.zombies), self.descriptors, self.memfds


def child_pids() -> list[int]:
    """Every process whose parent is this one, read from /proc."""
    me = os.getpid()
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: the fields after it start past the last ')'.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == me:
            children.append(int(entry.name))
    return children


def process_state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return stat[stat.rindex(")") + 2:].split()[0]


def snapshot() -> Resources:
    children = child_pids()
    fds = list(Path("/proc/self/fd").iterdir())
    memfds = 0
    for fd in fds:
        try:
            if os.readlink(fd).startswith("/memfd:"):
                memfds += 1
        except OSError:
            pass
    return Resources(tuple(sorted(children)), tuple(p for p in children if process_state(p) == "Z"),
                     len(fds), memfds)
