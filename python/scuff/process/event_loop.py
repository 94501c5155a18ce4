"""The client's background thread: reads every sandbox's control socket and output,
so replies, logs and deaths are seen as soon as they happen."""

from __future__ import annotations

import logging
import os
import queue
import selectors
import socket
import threading
from collections.abc import Callable

log = logging.getLogger("scuff")


class EventLoop:
    """Calls `on_readable()` on this thread whenever a watched descriptor is readable."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._selector.register(self._wake_reader, selectors.EVENT_READ, None)
        self._commands: queue.SimpleQueue[Callable[[], object]] = queue.SimpleQueue()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="scuff-events", daemon=True)
        self._thread.start()

    def watch(self, fd: int, on_readable: Callable[[], None]) -> None:
        self.call_soon(lambda: self._selector.register(fd, selectors.EVENT_READ, on_readable))

    def unwatch(self, fd: int) -> None:
        def unregister() -> None:
            try:
                self._selector.unregister(fd)
            except (KeyError, ValueError):
                pass

        self.call_soon(unregister)

    def close(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        self._wake()
        if threading.current_thread() is not self._thread:
            self._thread.join()
        # Commands queued as the loop stopped still run: they release descriptors.
        while not self._commands.empty():
            self._commands.get()()
        self._selector.close()
        self._wake_reader.close()
        self._wake_writer.close()

    def call_soon(self, command: Callable[[], object]) -> None:
        """Runs `command` on the event-loop thread, after what was queued before it."""
        if threading.current_thread() is self._thread:
            command()
        else:
            self._commands.put(command)
            self._wake()

    def _wake(self) -> None:
        try:
            self._wake_writer.send(b"\0")
        except OSError:
            pass

    def _run(self) -> None:
        while not self._stopping:
            for key, _ in self._selector.select():
                if key.data is None:
                    self._drain_wake_socket()
                    continue
                try:
                    key.data()
                except Exception:
                    log.exception("scuff event handler failed")
            while not self._commands.empty():
                self._commands.get()()

    def _drain_wake_socket(self) -> None:
        try:
            while self._wake_reader.recv(4096):
                pass
        except BlockingIOError:
            pass


def read_available(fd: int) -> bytes | None:
    """Reads what a pipe holds without blocking; None at end of file."""
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return b""
    return data or None
