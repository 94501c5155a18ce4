"""The program's side of the local backend's worker processes: the fork server, started once
per program and kept until it ends, and a handle on each worker forked from it."""

from __future__ import annotations

import atexit
import os
import select
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

from ..errors import ScuffError
from .manifest import JobRecord
from .process_worker import WorkerSetup
from .renderer import Timeouts
from .work import Work

# Starting the server: an interpreter, scuff, numpy and soundfile imported.
SERVER_START_TIMEOUT = 60.0
# A worker closing its client and sandboxes before it ends.
WORKER_CLOSE_TIMEOUT = 15.0


class WorkerLost(Exception):
    """The worker process died (it, not a sandbox of its): the message says which and when."""


class ForkServer:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ)
        # The program's import path, so that the server imports this scuff, as installed or not.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
        try:
            # A session of its own: the terminal's Ctrl-C reaches the program, which lets its
            # workers end the jobs they are on; it would kill them midway.
            self._process = subprocess.Popen(
                [sys.executable, "-m", "scuff.batch.fork_server", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            raise ScuffError(f"cannot start the batch workers' fork server ({sys.executable}): {error}") from None
        finally:
            theirs.close()
        self._socket = ours
        self._lock = threading.Lock()
        if self._reply(SERVER_START_TIMEOUT) != b"ready":
            self.close()
            raise ScuffError(f"the batch workers' fork server did not start (exit status {self._process.returncode})")

    @property
    def pid(self) -> int:
        return self._process.pid

    def running(self) -> bool:
        return self._process.poll() is None

    def fork(self, connection_fd: int) -> int:
        """A new worker, given the other end of `connection_fd`; its pid."""
        with self._lock:
            try:
                socket.send_fds(self._socket, [b"fork"], [connection_fd])
            except OSError as error:
                raise ScuffError(f"the batch workers' fork server is gone: {error}") from None
            reply = self._reply(SERVER_START_TIMEOUT)
        if not reply.isdigit():
            raise ScuffError("the batch workers' fork server did not fork a worker")
        return int(reply)

    def _reply(self, timeout: float) -> bytes:
        readable, _, _ = select.select([self._socket], [], [], timeout)
        if not readable:
            return b""
        try:
            return self._socket.recv(64)
        except OSError:
            return b""

    def close(self) -> None:
        self._socket.close()
        try:
            self._process.wait(timeout=WORKER_CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


_server: ForkServer | None = None
_server_owner = 0
_server_lock = threading.Lock()


def fork_server() -> ForkServer:
    """This program's fork server, started on first use (and again if it died)."""
    global _server, _server_owner
    with _server_lock:
        # A program that forked has its parent's handle, not a server of its own.
        if _server is None or _server_owner != os.getpid() or not _server.running():
            _server = ForkServer()
            if not _server_owner:
                atexit.register(_close_server)
            _server_owner = os.getpid()
        return _server


def _close_server() -> None:
    with _server_lock:
        if _server is not None and _server_owner == os.getpid():
            _server.close()


class WorkerProcess:
    """A worker process of the local backend, with a renderer of its own."""

    def __init__(self, name: str, timeouts: Timeouts) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.pid = fork_server().fork(theirs.fileno())
        finally:
            theirs.close()
        self.name = f"{name}:{self.pid}"
        self._connection = Connection(ours.detach())
        self._send(WorkerSetup(name, timeouts, dict(os.environ), os.getcwd()), None)

    def run(self, item: Work) -> JobRecord:
        """Renders `item` in the worker; raises WorkerLost if the worker dies first, and what
        the renderer raised if it failed."""
        self._send(item, item)
        try:
            kind, value = self._connection.recv()
        except (EOFError, OSError):
            raise WorkerLost(f"the worker process {self.pid} died rendering {item.job.key}") from None
        if kind == "record" and isinstance(value, JobRecord):
            return value
        if isinstance(value, BaseException):
            raise value
        raise ScuffError(f"the worker process {self.pid} replied {kind!r}")

    def _send(self, message: object, item: Work | None) -> None:
        try:
            self._connection.send(message)
        except OSError:
            what = f" before rendering {item.job.key}" if item is not None else ""
            raise WorkerLost(f"the worker process {self.pid} died{what}") from None

    def close(self) -> None:
        """Asks the worker to end and waits until it has (its client and sandboxes closed)."""
        try:
            self._connection.send(None)
            while self._connection.poll(WORKER_CLOSE_TIMEOUT):
                self._connection.recv()
        except (EOFError, OSError):
            pass
        finally:
            self._connection.close()
