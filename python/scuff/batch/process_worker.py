"""What a local worker process does: it takes the program's environment and folder, then
renders each `Work` it is sent with a `Renderer` of its own and sends back the record."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection

from ..errors import ScuffError
from .renderer import Renderer, Timeouts


@dataclass(frozen=True)
class WorkerSetup:
    """The first message a worker gets: what it is called, its timeouts, and the program's
    environment and folder now (the fork server was started with those of an earlier time)."""

    name: str
    timeouts: Timeouts
    environ: dict[str, str]
    cwd: str


def serve(connection: Connection) -> None:
    """Renders what `connection` sends until it sends None or closes. Replies are
    ("record", JobRecord) or ("error", exception)."""
    setup: WorkerSetup = connection.recv()
    os.environ.clear()
    os.environ.update(setup.environ)
    os.chdir(setup.cwd)
    with Renderer(setup.timeouts, worker=f"{setup.name}:{os.getpid()}") as renderer:
        while True:
            try:
                item = connection.recv()
            except EOFError:
                return
            if item is None:
                break
            try:
                reply: tuple[str, object] = ("record", renderer.run(item))
            except Exception as error:
                reply = ("error", error)
            try:
                connection.send(reply)
            except (TypeError, AttributeError, ValueError) as unpicklable:
                # An exception that does not pickle still reaches the program, as text.
                text = "".join(traceback.format_exception(reply[1])) if isinstance(reply[1], BaseException) else ""
                connection.send(("error", ScuffError(f"a batch worker failed: {text or unpicklable}")))
