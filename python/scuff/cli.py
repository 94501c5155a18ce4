"""The `scuff` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .cli_demo import DEFAULT_DEMO_PLUGIN, run_demo
from .cli_scan import run_scan
from .errors import ScuffError
from .scan_report import SCAN_TIMEOUT


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scuff", description="Run audio plugins in sandbox processes.")
    parser.add_argument("--version", action="version", version=f"scuff {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser(
        "scan", help="list the installed plugins",
        description="Lists the plugins in the standard CLAP and VST3 folders (and CLAP_PATH, "
                    "VST3_PATH) and in PATHS, one scanner process per file; a VST3 bundle with a "
                    "moduleinfo.json is read from that file instead. Files that cannot be used are "
                    "listed on stderr; the exit status is still 0.")
    scan.add_argument("paths", nargs="*", type=Path,
                      help="more plugin files, VST3 bundles or folders to scan")
    scan.add_argument("--json", action="store_true", help="print one JSON document with the plugins "
                      "and the files that could not be used")
    scan.add_argument("--no-cache", action="store_true", help="scan every file again, even unchanged ones")
    scan.add_argument("--timeout", type=float, default=SCAN_TIMEOUT, metavar="SECONDS",
                      help=f"give up on a file after this long (default {SCAN_TIMEOUT:g})")
    scan.add_argument("--paths-only", action="store_true",
                      help="scan only PATHS, not the standard folders")
    scan.add_argument("--load", action="store_true",
                      help="load VST3 bundles even when their moduleinfo.json describes them, to learn "
                           "their ports, parameter count and editor")
    demo = commands.add_parser("demo", help="render a test signal through a plugin in a sandbox")
    demo.add_argument("plugin", nargs="?", default=DEFAULT_DEMO_PLUGIN, help="a CLAP plugin file")
    demo.add_argument("--seconds", type=float, default=2.0)
    play = commands.add_parser(
        "play", help="play a chain of plugins live through JACK",
        description="Plays the plugins, each in a sandbox of its own and chained in order, through a "
                    "running JACK server until interrupted, with one status line (DSP load, xruns, "
                    "sandbox states). A crashed sandbox is restarted while the others play.")
    play.add_argument("--plugin", action="append", required=True, metavar="P",
                      help="a CLAP plugin file or VST3 bundle (repeat for a chain)")
    play.add_argument("--connect-inputs", nargs="+", default=[], metavar="PORT",
                      help="JACK ports to feed the first plugin's input channels (one for all)")
    play.add_argument("--connect-outputs", nargs="+", default=None, metavar="PORT",
                      help="JACK ports to play to (default: the physical playback ports)")
    play.add_argument("--midi-input", action="append", default=[], metavar="PORT",
                      help="a JACK MIDI port to take notes from")
    play.add_argument("--server", default=None, help="the JACK server's name (default: the default server)")
    play.add_argument("--name", default="scuff", help="the JACK client's name")
    play.add_argument("--seconds", type=float, default=None, help="stop after this long")
    args = parser.parse_args(argv)
    try:
        if args.command == "scan":
            return run_scan(args.paths, as_json=args.json, use_cache=not args.no_cache,
                            timeout=args.timeout, standard_folders=not args.paths_only,
                            load_modules=args.load)
        if args.command == "play":
            from .cli_play import run_play

            return run_play(args.plugin, connect_inputs=args.connect_inputs, midi_inputs=args.midi_input,
                            connect_outputs=args.connect_outputs, server=args.server, name=args.name,
                            seconds=args.seconds)
        return run_demo(args.plugin, args.seconds)
    except ScuffError as error:
        print(f"scuff: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Every scanner and sandbox process has been stopped on the way out.
        print("scuff: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
