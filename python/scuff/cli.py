"""The `scuff` command line."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .cli_scan import run_scan
from .client import Client
from .errors import ScuffError
from .scan_report import SCAN_TIMEOUT

DEFAULT_DEMO_PLUGIN = "/usr/lib/clap/ZamComp.clap"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scuff", description="Run audio plugins in sandbox processes.")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser(
        "scan", help="list the installed plugins",
        description="Lists the plugins in the standard CLAP and VST3 folders (and CLAP_PATH, "
                    "VST3_PATH) and in PATHS, one scanner process per file. Files that cannot be "
                    "used are listed on stderr; the exit status is still 0.")
    scan.add_argument("paths", nargs="*", type=Path,
                      help="more plugin files, VST3 bundles or folders to scan")
    scan.add_argument("--json", action="store_true", help="print one JSON document with the plugins "
                      "and the files that could not be used")
    scan.add_argument("--no-cache", action="store_true", help="scan every file again, even unchanged ones")
    scan.add_argument("--timeout", type=float, default=SCAN_TIMEOUT, metavar="SECONDS",
                      help=f"give up on a file after this long (default {SCAN_TIMEOUT:g})")
    scan.add_argument("--paths-only", action="store_true",
                      help="scan only PATHS, not the standard folders")
    demo = commands.add_parser("demo", help="render a test signal through a plugin in a sandbox")
    demo.add_argument("plugin", nargs="?", default=DEFAULT_DEMO_PLUGIN, help="a CLAP plugin file")
    demo.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    try:
        if args.command == "scan":
            return run_scan(args.paths, as_json=args.json, use_cache=not args.no_cache,
                            timeout=args.timeout, standard_folders=not args.paths_only)
        return run_demo(args.plugin, args.seconds)
    except ScuffError as error:
        print(f"scuff: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Every scanner and sandbox process has been stopped on the way out.
        print("scuff: interrupted", file=sys.stderr)
        return 130


def run_demo(plugin: str, seconds: float) -> int:
    sample_rate, block_size = 48000, 512
    frames = int(seconds * sample_rate)
    with Client() as client:
        group = client.create_group(sample_rate=sample_rate, block_size=block_size)
        sandbox = group.create_sandbox()
        device = sandbox.create_device(plugin)
        print(f"sandbox pid {sandbox.pid} hosts {device.name} ({device.plugin_id})")
        print(f"  audio inputs {device.inputs}, outputs {device.outputs}, latency {device.latency} samples")
        print(f"  {len(device.params)} parameters: " + ", ".join(p.name for p in device.params[:8]))
        if plugin == DEFAULT_DEMO_PLUGIN:
            device.set_param("Threshold", -30.0)
            device.set_param("Ratio", 8.0)
            print("  set Threshold to -30 dB and Ratio to 8:1")
        t = np.arange(frames) / sample_rate
        # A 440 Hz tone whose level jumps from -20 dB to 0 dB halfway: dynamics plugins react.
        level = np.where(t < seconds / 2, 0.1, 1.0)
        tone = (level * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        inputs = {device.input(0): np.tile(tone, (device.inputs[0], 1))} if device.inputs else {}
        started = time.perf_counter()
        output = group.render(inputs, device.output(0), frames=frames)
        elapsed = time.perf_counter() - started
        print(f"rendered {seconds:g} s ({frames} frames, blocks of {block_size}) in "
              f"{elapsed * 1000:.1f} ms: {seconds / elapsed:.0f}x real time")
        halves = (("first half", output[:, : frames // 2]), ("second half", output[:, frames // 2 :]))
        for name, part in halves:
            peak = float(np.abs(part).max())
            peak_db = 20 * np.log10(peak) if peak > 0 else float("-inf")
            print(f"  output peak in the {name}: {peak_db:.1f} dBFS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
