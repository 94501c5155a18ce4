"""The studio's HTTP server: uvicorn on a socket bound to 127.0.0.1 before it starts, so
that `--port 0` knows its port and the address can be printed before anything else."""

from __future__ import annotations

import socket
import threading
from typing import Any

from ..errors import ScuffError
from .access import new_token
from .hub import Hub
from .model import Studio

HOST = "127.0.0.1"


class StudioServer:
    """A studio on `port` (0: a free one). Use it as a context manager, or call `close()`:
    that stops the server and every sandbox of the studio. `session`: a session file loaded
    as the first rack's group."""

    def __init__(self, *, port: int = 0, session: str | None = None, **studio_options: Any) -> None:
        try:
            import uvicorn

            from .app import build_app
        except ImportError as error:
            raise ScuffError("scuff studio needs its extra: pip install 'scuff[studio]'") from error
        self.token = new_token()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.bind((HOST, port))
            # Listening from here, so a request sent as soon as the address is printed waits
            # in the backlog until the server takes it.
            self._socket.listen(128)
        except OSError as error:
            self._socket.close()
            raise ScuffError(f"scuff studio cannot listen on {HOST}:{port}: {error.strerror}") from error
        self.port: int = self._socket.getsockname()[1]
        self.hub = Hub()
        self.studio = Studio(self.hub.publish, **studio_options)
        try:
            if session:
                self.studio.load_session(session, self.studio.racks[0].id)
        except BaseException:
            self.studio.close()
            self._socket.close()
            raise
        config = uvicorn.Config(build_app(self.studio, self.hub, self.token), log_level="warning",
                                lifespan="on", ws="websockets-sansio")
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def serve(self) -> None:
        """Serves until `stop()` or Ctrl+C."""
        self._server.run(sockets=[self._socket])

    def start(self) -> None:
        """Serves on a thread of its own; returns once requests are answered."""
        self._thread = threading.Thread(target=self.serve, name="scuff-studio", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise ScuffError("the studio's server stopped as it started")
            self._thread.join(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)

    def close(self) -> None:
        self.stop()
        self.studio.close()
        self._socket.close()

    def __enter__(self) -> StudioServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
