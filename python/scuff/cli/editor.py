"""`scuff editor PLUGIN`: one plugin's editor in a sandbox, its parameter changes printed."""

from __future__ import annotations

import argparse
import threading
import time

from ..host.client import Client
from ..host.device import Device
from ..wire.param import Param
from .commands import Commands


def run_editor(plugin: str, plugin_id: str | None, seconds: float | None) -> int:
    """Opens the editor and prints each parameter the user changes, until the window is
    closed, Ctrl+C, or `seconds` pass. Silence is rendered meanwhile, as a host would, since
    some plugins (DPF's CLAP builds) hand their editor's changes over only while processing."""
    closed = threading.Event()

    def edited(device: Device, param: Param, value: float) -> None:
        try:
            text = device.param_text(param, value)
        except Exception:
            text = f"{value:g}"
        print(f"{param.name} = {text}", flush=True)

    with Client(app_name="scuff editor", on_param_edit=edited) as client:
        group = client.create_group(sample_rate=48000, block_size=512)
        device = group.create_sandbox().create_device(plugin, plugin_id=plugin_id)
        device.on_editor_closed = lambda _: closed.set()
        device.show_editor()
        size = device.editor_size
        shown = f"{size[0]}x{size[1]}" if size else "size unknown"
        print(f"{device.name}: editor open in window {device.editor_window or 'of its own'} "
              f"({shown}); close it or press Ctrl+C to stop", flush=True)
        deadline = None if seconds is None else time.monotonic() + seconds
        block = group.block_size / group.sample_rate
        while not closed.is_set() and (deadline is None or time.monotonic() < deadline):
            group.render({}, device.output(0) if device.outputs else [], frames=group.block_size)
            closed.wait(block)
    return 0


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "editor", help="open a plugin's editor and print the parameters changed in it",
        description="Opens the editor of PLUGIN (a file, a VST3 bundle or a scanned id) in a sandbox on the "
                    "X display and prints each parameter change made in it, until the window is closed.")
    parser.add_argument("plugin", help="a CLAP file, a VST3 bundle or a scanned plugin id")
    parser.add_argument("--plugin-id", default=None, help="the plugin inside a file that holds several")
    parser.add_argument("--seconds", type=float, default=None, help="close after this long")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_editor(args.plugin, args.plugin_id, args.seconds)
