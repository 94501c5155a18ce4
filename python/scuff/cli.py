"""The `scuff` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .cli_demo import DEFAULT_DEMO_PLUGIN, run_demo
from .cli_diff import run_diff
from .cli_editor import run_editor
from .cli_info import run_info
from .cli_inspect import run_inspect
from .cli_render import run_render
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
    editor = commands.add_parser(
        "editor", help="open a plugin's editor and print the parameters changed in it",
        description="Opens the editor of PLUGIN (a file, a VST3 bundle or a scanned id) in a sandbox on the "
                    "X display and prints each parameter change made in it, until the window is closed.")
    editor.add_argument("plugin", help="a CLAP file, a VST3 bundle or a scanned plugin id")
    editor.add_argument("--plugin-id", default=None, help="the plugin inside a file that holds several")
    editor.add_argument("--seconds", type=float, default=None, help="close after this long")
    info = commands.add_parser("info", help="ports, parameters, latency and features of a plugin",
                               description="Loads the plugin in a sandbox and describes it.")
    info.add_argument("plugin", help="a plugin file, or a scanned plugin's id or name")
    render = commands.add_parser(
        "render", help="run an audio file through a chain of plugins",
        description="Renders INPUT (WAV, FLAC, OGG) through the plugins in order (output 0 to input 0) "
                    "into OUTPUT, in the input's sample format unless --subtype says otherwise. Latency is "
                    "not compensated: the output has the input's length. A failure writes nothing.")
    render.add_argument("input", type=Path)
    render.add_argument("output", type=Path)
    render.add_argument("--plugin", action="append", required=True, metavar="PLUGIN",
                        help="a plugin file, id or name (FILE#ID: one plugin of a file that holds several); "
                             "repeat for a chain")
    render.add_argument("--param", action="append", default=[], metavar="INDEX:NAME=VALUE",
                        help="set parameter NAME (or id) of plugin INDEX (from 0) to VALUE (a number, or "
                             "text the plugin reads, like '-12 dB')")
    render.add_argument("--block-size", type=int, default=512)
    render.add_argument("--sandbox-per-plugin", action="store_true",
                        help="each plugin in a sandbox of its own (one block of latency per hop)")
    render.add_argument("--sample-rate", type=float, help="run the plugins at this rate (default: the file's)")
    render.add_argument("--resample", action="store_true",
                        help="convert the input to --sample-rate instead of refusing a mismatch")
    render.add_argument("--subtype", help="the output's sample format (PCM_16, PCM_24, FLOAT, VORBIS, ...)")
    inspect = commands.add_parser(
        "inspect", help="measure a plugin's latency, process time, CPU and memory",
        description="Runs white noise through the plugin in a sandbox of its own and reports reported and "
                    "measured latency, process time, CPU, memory, dropouts and health.")
    inspect.add_argument("plugin", help="a plugin file, or a scanned plugin's id or name")
    inspect.add_argument("--plot", type=Path, metavar="PNG", help="also draw the report (needs scuff[plot])")
    inspect.add_argument("--json", action="store_true")
    inspect.add_argument("--seconds", type=float, default=2.0)
    inspect.add_argument("--block-size", type=int, default=512)
    inspect.add_argument("--sample-rate", type=float, default=48000)
    diff = commands.add_parser(
        "diff", help="null test of two plugins or two versions of one",
        description="Renders the same noise through A and B (each in its own sandbox) and prints the peak "
                    "and RMS of their difference, aligned on each one's reported latency, and the latency "
                    "difference with its significance.")
    diff.add_argument("a")
    diff.add_argument("b")
    diff.add_argument("--block-size", type=int, default=512)
    diff.add_argument("--sample-rate", type=float, default=48000)
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
        if args.command == "editor":
            return run_editor(args.plugin, args.plugin_id, args.seconds)
        if args.command == "info":
            return run_info(args.plugin)
        if args.command == "render":
            return run_render(args.input, args.output, args.plugin, args.param, block_size=args.block_size,
                              sandbox_per_plugin=args.sandbox_per_plugin, sample_rate=args.sample_rate,
                              resample=args.resample, subtype=args.subtype)
        if args.command == "inspect":
            return run_inspect(args.plugin, plot=args.plot, as_json=args.json, seconds=args.seconds,
                               block_size=args.block_size, sample_rate=args.sample_rate)
        if args.command == "diff":
            return run_diff(args.a, args.b, block_size=args.block_size, sample_rate=args.sample_rate)
        if args.command == "play":
            from .cli_play import run_play

            return run_play(args.plugin, connect_inputs=args.connect_inputs, midi_inputs=args.midi_input,
                            connect_outputs=args.connect_outputs, server=args.server, name=args.name,
                            seconds=args.seconds)
        return run_demo(args.plugin, args.seconds)
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
