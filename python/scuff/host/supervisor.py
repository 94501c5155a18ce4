"""The client's watchdog and autosave thread: looks at every sandbox a hundred times a
second, marks the ones that keep missing cycles unresponsive, starts the restarts their
policy asks for, and saves changed device states in the background."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import Client

log = logging.getLogger("scuff")

TICK = 0.01


class Supervisor:
    def __init__(self, client: Client) -> None:
        self._client = client
        self._stopping = threading.Event()
        self._last_autosave = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="scuff-supervisor", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stopping.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def _run(self) -> None:
        while not self._stopping.wait(TICK):
            try:
                self._tick(time.monotonic())
            except Exception:
                log.exception("scuff supervisor failed")

    def _tick(self, now: float) -> None:
        client = self._client
        sandboxes = [s for group in client.groups for s in group.sandboxes if s.state != "stopped"]
        for sandbox in sandboxes:
            sandbox._supervise(now)
        interval = client.autosave_interval
        if interval is not None and now - self._last_autosave >= interval:
            self._last_autosave = now
            for sandbox in sandboxes:
                if sandbox._claim_autosave():
                    client._submit(sandbox._autosave)
