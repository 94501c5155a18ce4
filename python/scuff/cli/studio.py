"""`scuff studio [SESSION]`: the studio in the browser, until Ctrl+C."""

from __future__ import annotations

import argparse
import webbrowser

from .commands import Commands


def run_studio(session: str | None, *, port: int, open_browser: bool) -> int:
    # The web framework is an extra: it is imported only by this command.
    from ..studio.server import StudioServer

    with StudioServer(port=port, session=session) as server:
        # The address comes first, alone on its line, so that scripts can read it.
        print(server.url, flush=True)
        print("scuff studio: Ctrl+C stops it and every sandbox", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        # Ctrl+C is how a studio is stopped, as `scuff play` is: not a failure.
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
    return 0


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "studio", help="the rack of sandboxed plugins in the browser",
        description="Starts the studio, a web application on 127.0.0.1 showing the plugins found, a rack "
                    "of sandboxes and devices, their routing and health, and opens it in the browser. "
                    "The address printed first holds the token that every request needs.")
    parser.add_argument("session", nargs="?", default=None, help="a session file to load")
    parser.add_argument("--port", type=int, default=0, help="the port to listen on (default 0: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the address, do not open a browser")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_studio(args.session, port=args.port, open_browser=not args.no_browser)
