"""What state a sandbox is in, why, and what to do when it fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..process.exits import Reason

if TYPE_CHECKING:
    from .sandbox import Sandbox

SandboxState = Literal["starting", "running", "unresponsive", "crashed", "stopped"]


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
