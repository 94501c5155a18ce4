"""The pages' live feed: every message the rack publishes, from any thread, is queued for
each open WebSocket on the server's event loop. A page that cannot keep up loses its
oldest health readings, never a change of the group."""

from __future__ import annotations

import asyncio
import json
from typing import Any

# Messages waiting for one page; past this, health readings are dropped.
QUEUE_LIMIT = 256


class Hub:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queues: set[asyncio.Queue[str]] = set()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, message: dict[str, Any]) -> None:
        """Thread-safe; before the server runs, or after, messages go nowhere."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        text = json.dumps(message)
        try:
            loop.call_soon_threadsafe(self._deliver, text, message.get("type") == "health")
        except RuntimeError:
            pass  # the loop closed meanwhile

    @property
    def listening(self) -> bool:
        return bool(self._queues)

    def subscribe(self) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[str]) -> None:
        self._queues.discard(queue)

    def _deliver(self, text: str, droppable: bool) -> None:
        for queue in self._queues:
            if droppable and queue.qsize() >= QUEUE_LIMIT:
                continue
            queue.put_nowait(text)
