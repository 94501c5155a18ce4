"""`scuff editor PLUGIN`: one plugin's editor in a sandbox, its parameter changes printed."""

from __future__ import annotations

import threading
import time

from .client import Client
from .device import Device
from .param import Param


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
