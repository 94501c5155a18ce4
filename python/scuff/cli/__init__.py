"""The `scuff` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import ScuffError
from . import batch, demo, diff, editor, info, inspect, play, preset, render, scan, settings, studio, validate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scuff", description="Run audio plugins in sandbox processes.")
    parser.add_argument("--version", action="version", version=f"scuff {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in (scan, demo, editor, info, render, batch, inspect, diff, play, preset, settings, studio, validate):
        command.register(commands)
    args = parser.parse_args(argv)
    try:
        result: int = args.run(args)
        return result
    except ScuffError as error:
        # One line: the reason, with what it concerns.
        print(f"scuff: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Every scanner and sandbox process has been stopped on the way out.
        print("scuff: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
