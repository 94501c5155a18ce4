"""`scuff info PLUGIN`: what a plugin says about itself once loaded in a sandbox."""

from __future__ import annotations

import argparse

from ..host.client import Client
from ..scan.lookup import find_plugin
from ..scan.plugin_info import PluginInfo
from .commands import Commands


def run_info(plugin: str) -> int:
    with Client() as client:
        found = find_plugin(client.scan, plugin)
        if not isinstance(found, PluginInfo):
            # Scanning the one file tells its features, which a loaded device does not.
            scanned = client.scan([found], standard_folders=False)
            found = scanned[0] if scanned else found
        group = client.create_group()
        device = group.create_sandbox().create_device(found)
        features = ", ".join(found.features) if isinstance(found, PluginInfo) else "unknown"
        print(f"{device.name} ({device.plugin_id})")
        print(f"  file:      {device.path}")
        if isinstance(found, PluginInfo):
            version = f", version {found.version}" if found.version else ""
            print(f"  vendor:    {found.vendor or 'unknown'}{version}, {found.format}")
        print(f"  features:  {features}")
        print(f"  latency:   {device.latency} samples at {group.sample_rate:g} Hz")
        print(f"  audio in:  {_ports(device.inputs)}")
        print(f"  audio out: {_ports(device.outputs)}")
        print(f"  notes:     {device.note_inputs} in, {device.note_outputs} out")
        print(f"  parameters ({len(device.params)}):")
        for param in device.params:
            text = _text(device, param.id, param.default)
            print(f"    {param.id:>4}  {param.name}: {param.min:g} to {param.max:g}, default {param.default:g}"
                  + (f" ({text})" if text else ""))
    return 0


def _ports(channels: list[int]) -> str:
    return ", ".join(f"{count} channel{'s' if count != 1 else ''}" for count in channels) or "none"


def _text(device: object, param_id: int, value: float) -> str:
    try:
        return device.param_text(param_id, value)  # type: ignore[attr-defined, no-any-return]
    except Exception:
        return ""


def register(commands: Commands) -> None:
    parser = commands.add_parser("info", help="ports, parameters, latency and features of a plugin",
                                 description="Loads the plugin in a sandbox and describes it.")
    parser.add_argument("plugin", help="a plugin file, or a scanned plugin's id or name")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_info(args.plugin)
