"""`scuff diff A B`: a null test of two plugins (or two versions of one) on the same noise:
peak and RMS of their difference, latency difference and its significance."""

from __future__ import annotations

import argparse
import math

import numpy as np

from ..errors import AudioFormatError
from ..host.client import Client
from ..inspection.latency_diff import latency_diff
from .commands import Commands
from .render import plugin_and_id

SECONDS = 2.0
LEVEL = 0.25


def run_diff(first: str, second: str, *, block_size: int, sample_rate: float) -> int:
    with Client() as client:
        group = client.create_group(sample_rate=sample_rate, block_size=block_size)
        found_a, id_a = plugin_and_id(client, first)
        found_b, id_b = plugin_and_id(client, second)
        a = group.create_sandbox().create_device(found_a, plugin_id=id_a)
        b = group.create_sandbox().create_device(found_b, plugin_id=id_b)
        if a.inputs[:1] != b.inputs[:1] or a.outputs[:1] != b.outputs[:1]:
            raise AudioFormatError(f"{a.name} has ports {a.inputs} -> {a.outputs} and {b.name} "
                                   f"{b.inputs} -> {b.outputs}: a null test needs the same main ports")
        frames = int(SECONDS * sample_rate)
        noise = np.random.default_rng(0).uniform(-LEVEL, LEVEL, frames).astype(np.float32)
        channels = a.inputs[0] if a.inputs else 0
        inputs = {a.input(0): np.tile(noise, (channels, 1)), b.input(0): np.tile(noise, (channels, 1))} \
            if channels else {}
        # Two renders from fresh state: latencies settle (and may change) in the first blocks.
        out_a, out_b = group.render(inputs, [a.output(0), b.output(0)], frames=frames)
        latency_a, latency_b = a.latency, b.latency
    # Each output aligned on its own reported latency, so a latency difference alone is no difference.
    length = frames - max(latency_a, latency_b)
    difference = out_a[:, latency_a:latency_a + length].astype(np.float64) - \
        out_b[:, latency_b:latency_b + length].astype(np.float64)
    peak = float(np.max(np.abs(difference))) if difference.size else 0.0
    rms = float(np.sqrt(np.mean(difference ** 2))) if difference.size else 0.0
    diff = latency_diff(latency_a / sample_rate * 1e6, latency_b / sample_rate * 1e6,
                        block_budget=block_size / sample_rate * 1e6)
    print(f"A: {a.name} ({a.path}), latency {latency_a} samples")
    print(f"B: {b.name} ({b.path}), latency {latency_b} samples")
    print(f"difference after aligning on the reported latencies: peak {_db(peak)}, RMS {_db(rms)}"
          + (" (null: identical)" if peak == 0 else ""))
    print(f"latency: {diff.difference_us:+.0f} us ({_percent(diff.percent_change)}), "
          f"significance {diff.significance.value}")
    return 0


def _db(value: float) -> str:
    return "-inf dBFS" if value == 0 else f"{20 * math.log10(value):.1f} dBFS"


def _percent(value: float) -> str:
    return "from zero" if math.isinf(value) else f"{value:+.1f}%"


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "diff", help="null test of two plugins or two versions of one",
        description="Renders the same noise through A and B (each in its own sandbox) and prints the peak "
                    "and RMS of their difference, aligned on each one's reported latency, and the latency "
                    "difference with its significance.")
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--block-size", type=int, default=512)
    parser.add_argument("--sample-rate", type=float, default=48000)
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_diff(args.a, args.b, block_size=args.block_size, sample_rate=args.sample_rate)
