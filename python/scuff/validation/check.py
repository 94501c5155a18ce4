"""A validation test: its stable name, what it checks, the lowest strictness that runs it, and
the function that runs it on a bench and says what it saw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .bench import Bench


@dataclass(frozen=True)
class Outcome:
    """What a test function found: a verdict and what it saw, in words."""

    passed: bool
    detail: str
    skipped: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def skip(cls, why: str) -> Outcome:
        return cls(True, why, skipped=True)


@dataclass(frozen=True)
class Check:
    name: str
    checked: str
    strictness: int
    run: Callable[[Bench], Outcome]


def verdict(problems: list[str], fine: str, data: dict[str, Any] | None = None) -> Outcome:
    """Passed with `fine` when there are no problems, else failed with the first few."""
    if not problems:
        return Outcome(True, fine, data=data or {})
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return Outcome(False, "; ".join(problems[:5]) + more, data=data or {})
