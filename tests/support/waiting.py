"""Waiting for something that happens on another thread or in another process."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "the condition") -> None:
    """Polls `condition` until it holds; fails the test if it still does not after
    `timeout` seconds (a bound against hanging, not a speed requirement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.002)
