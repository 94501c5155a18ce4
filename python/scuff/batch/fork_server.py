"""The local backend's fork server: a process of scuff's own, started once per program with
`python -m scuff.batch.fork_server FD`, which has scuff imported and forks a worker process for
each request. A worker costs a fork, not an interpreter's start; and unlike multiprocessing's
fork server, nothing here imports the program's own script again.

Requests come on the socket FD: a message with the worker's end of a socket pair attached; the
reply is the worker's pid, in decimal. The server ends when the program closes its end."""

from __future__ import annotations

import os
import signal
import socket
import sys
import traceback
from multiprocessing.connection import Connection

from ..errors import ScuffError
from . import process_worker


def main(fd: int) -> None:
    _preload()
    requests = socket.socket(fileno=fd)
    requests.set_inheritable(False)
    # Workers are reaped by the kernel: the program learns of a death from its connection.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    requests.send(b"ready")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(requests, 16, 1)
        except ConnectionError:
            return
        if not message:
            return
        if len(fds) != 1:
            for stray in fds:
                os.close(stray)
            continue
        pid = os.fork()
        if pid == 0:
            requests.close()
            _worker(fds[0])
        os.close(fds[0])
        requests.send(str(pid).encode())


def _preload() -> None:
    """Loads, once for every worker, what a worker's first job would load: soundfile (and
    libsndfile) and the package's resource readers, which find scuff-sbox."""
    import soundfile  # noqa: F401

    from ..process.executables import executable

    try:
        executable("scuff-sbox")
    except ScuffError:
        pass  # the worker's first job reports it


def _worker(fd: int) -> None:
    """A forked worker's life; it never returns to the server's loop."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.set_inheritable(fd, False)
        process_worker.serve(Connection(fd))
    except BaseException:
        code = 1
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    main(int(sys.argv[1]))
