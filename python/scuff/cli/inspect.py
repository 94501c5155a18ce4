"""`scuff inspect PLUGIN`: latency, process time, CPU, memory and health of one plugin."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..inspection.inspector import inspect
from .commands import Commands


def run_inspect(plugin: str, *, plot: Path | None, as_json: bool, seconds: float, block_size: int,
                sample_rate: float) -> int:
    report = inspect(plugin, seconds=seconds, block_size=block_size, sample_rate=sample_rate)
    print(report.to_json() if as_json else report.summary())
    if plot is not None:
        report.plot(plot)
    # A finding about the plugin is the command's answer, not its failure.
    return 0


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "inspect", help="measure a plugin's latency, process time, CPU and memory",
        description="Runs white noise through the plugin in a sandbox of its own and reports reported and "
                    "measured latency, process time, CPU, memory, dropouts and health.")
    parser.add_argument("plugin", help="a plugin file, or a scanned plugin's id or name")
    parser.add_argument("--plot", type=Path, metavar="PNG", help="also draw the report (needs scuff[plot])")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--block-size", type=int, default=512)
    parser.add_argument("--sample-rate", type=float, default=48000)
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_inspect(args.plugin, plot=args.plot, as_json=args.json, seconds=args.seconds,
                       block_size=args.block_size, sample_rate=args.sample_rate)
