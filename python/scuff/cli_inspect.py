"""`scuff inspect PLUGIN`: latency, process time, CPU, memory and health of one plugin."""

from __future__ import annotations

from pathlib import Path

from .inspector import inspect


def run_inspect(plugin: str, *, plot: Path | None, as_json: bool, seconds: float, block_size: int,
                sample_rate: float) -> int:
    report = inspect(plugin, seconds=seconds, block_size=block_size, sample_rate=sample_rate)
    print(report.to_json() if as_json else report.summary())
    if plot is not None:
        report.plot(plot)
    # A finding about the plugin is the command's answer, not its failure.
    return 0
