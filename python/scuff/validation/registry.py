"""Every validation test, in the order they run: loading first, then descriptor, state,
processing, parameters, notes, latency, real-time safety and thread rules, the editor."""

from __future__ import annotations

from . import (
    descriptor_checks,
    editor_checks,
    latency_checks,
    note_checks,
    output_checks,
    param_checks,
    processing_checks,
    realtime_checks,
    state_checks,
)
from .check import Check

CHECKS: tuple[Check, ...] = (
    descriptor_checks.CHECKS + state_checks.CHECKS + processing_checks.CHECKS + output_checks.CHECKS
    + param_checks.CHECKS + note_checks.CHECKS + latency_checks.CHECKS + realtime_checks.CHECKS
    + editor_checks.CHECKS)
NAMES = tuple(check.name for check in CHECKS)
LOAD = "load"


def select(strictness: int, only: list[str] | None, skip: list[str] | None) -> list[Check]:
    """The tests a run takes: those named in `only` (whatever their strictness), else every test
    of `strictness` or below; minus those in `skip`. Loading always comes first."""
    for name in (only or []) + (skip or []):
        if name not in NAMES:
            raise ValueError(f"there is no validation test {name!r} (the tests: {', '.join(NAMES)})")
    chosen = [c for c in CHECKS if (c.name in only if only else c.strictness <= strictness)]
    chosen = [c for c in chosen if c.name not in (skip or []) or c.name == LOAD]
    if not any(c.name == LOAD for c in chosen):
        chosen.insert(0, CHECKS[0])
    return chosen
