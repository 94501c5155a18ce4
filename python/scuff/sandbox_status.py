"""What state a sandbox is in, why, and what to do when it fails."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .sandbox import Sandbox

SandboxState = Literal["starting", "running", "unresponsive", "crashed", "stopped"]


class Reason(enum.Enum):
    """Why a sandbox is not running (or RUNNING when it is)."""

    RUNNING = "running"
    # The process could not be started, or a device could not be re-created in it.
    FAILED_TO_START = "failed to start"
    # It missed too many audio cycles in a row, or did not answer a control message in time.
    UNRESPONSIVE = "unresponsive"
    # A signal ended the process (SIGSEGV, SIGABRT, SIGKILL...).
    CRASHED = "crashed"
    # The process exited by itself.
    EXITED = "exited"
    # It sent something malformed or wrong, and was killed for it.
    PROTOCOL_ERROR = "protocol error"
    # The client closed it.
    CLOSED = "closed"
    # It reached its memory limit (SandboxLimits.memory_mb).
    MEMORY_LIMIT = "memory limit"
    # It used up its CPU time (SandboxLimits.cpu_seconds).
    CPU_LIMIT = "cpu limit"
    # The plugin made a system call its limits forbid (the call is named in the detail).
    FORBIDDEN_SYSCALL = "forbidden syscall"


@dataclass(frozen=True)
class SandboxEvent:
    """A change of a sandbox's state, as delivered to `Client.on_sandbox_state`."""

    sandbox: Sandbox
    state: SandboxState
    reason: Reason
    # In words: the signal name or exit code, the call that failed.
    detail: str


@dataclass(frozen=True)
class RestartPolicy:
    """Restarts a crashed or unresponsive sandbox automatically. The first restart waits
    `backoff` seconds, each next one twice as long (at most `max_backoff`); after
    `max_restarts` restarts within `window` seconds the policy gives up and the sandbox
    stays crashed."""

    max_restarts: int = 5
    window: float = 60.0
    backoff: float = 0.05
    max_backoff: float = 2.0

    def delay(self, recent_restarts: int) -> float:
        return min(self.max_backoff, self.backoff * 2.0 ** recent_restarts)
