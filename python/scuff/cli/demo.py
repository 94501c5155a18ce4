"""`scuff demo`: a real plugin rendered in a sandbox, then chained to a second sandbox that
crashes and is restarted while the first goes on."""

from __future__ import annotations

import argparse
import os
import signal
import time
from pathlib import Path

import numpy as np

from ..host.client import Client
from ..host.device import Device
from ..host.group import Group
from ..host.ports import InputPort
from .commands import Commands

DEFAULT_DEMO_PLUGIN = "/usr/lib/clap/ZamComp.clap"
SECOND_PLUGIN = "/usr/lib/clap/ZamVerb.clap"


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
            print(f"  output peak in the {name}: {peak_db(part):.1f} dBFS")
        if device.outputs and Path(SECOND_PLUGIN).exists():
            crash_and_recover(group, device, inputs)
    return 0


def crash_and_recover(group: Group, first: Device, inputs: dict[InputPort, np.ndarray]) -> None:
    """Chains a second plugin in its own sandbox, crashes that sandbox mid-stream, and
    restarts it, showing that the first sandbox never stops."""
    second = group.create_sandbox().create_device(SECOND_PLUGIN)
    group.connect(first.output(0), second.input(0))
    print(f"connected {first.name} to {second.name} in sandbox pid {second.sandbox.pid} "
          f"(latency {group.latency(first.input(0), second.output(0))} frames across the two processes)")
    block = {port: audio[:, : group.block_size] for port, audio in inputs.items()}
    frames = None if block else group.block_size
    group.process(block, [first.output(0), second.output(0)], frames=frames)
    crashed_pid = second.sandbox.pid
    started = time.perf_counter()
    os.kill(crashed_pid, signal.SIGSEGV)
    while second.sandbox.state != "crashed":
        time.sleep(50e-6)
    print(f"sandbox pid {crashed_pid} crashed ({second.sandbox.reason}); seen after "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")
    first_out, second_out = group.process(block, [first.output(0), second.output(0)], frames=frames)
    print(f"  during the crash: {first.name} peak {peak_db(first_out):.1f} dBFS, "
          f"{second.name} silent: {not second_out.any()}")
    started = time.perf_counter()
    second.sandbox.restart()
    first_out, second_out = group.process(block, [first.output(0), second.output(0)], frames=frames)
    print(f"restarted as pid {second.sandbox.pid} in {(time.perf_counter() - started) * 1000:.1f} ms, "
          f"connection kept; {second.name} is {second.sandbox.state}")


def peak_db(audio: np.ndarray) -> float:
    peak = float(np.abs(audio).max()) if audio.size else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def register(commands: Commands) -> None:
    parser = commands.add_parser("demo", help="render a test signal through a plugin in a sandbox")
    parser.add_argument("plugin", nargs="?", default=DEFAULT_DEMO_PLUGIN, help="a CLAP plugin file")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_demo(args.plugin, args.seconds)
