"""`scuff preset list|save|load|export|import PLUGIN ...`: the presets stored for a plugin,
and `.vstpreset` files in and out of them."""

from __future__ import annotations

import argparse

from ..errors import ScuffError
from ..host.client import Client
from ..host.device import Device
from ..scan.lookup import find_plugin
from .commands import Commands


def _device(client: Client, plugin: str) -> Device:
    found = find_plugin(client.scan, plugin)
    return client.create_group().create_sandbox().create_device(found)


def _set_params(device: Device, settings: list[str]) -> None:
    for setting in settings:
        name, separator, value = setting.partition("=")
        if not separator:
            raise ScuffError(f"--param takes NAME=VALUE, not {setting!r}")
        try:
            device.set_param(name.strip(), float(value))
        except ValueError:
            device.set_param(name.strip(), device.param_from_text(name.strip(), value))


def _print_params(device: Device) -> None:
    for param in device.params:
        if not param.is_readonly and not param.is_hidden:
            print(f"  {param.name}: {device.param_text(param)}")


def run_preset(args: argparse.Namespace) -> int:
    with Client() as client:
        device = _device(client, args.plugin)
        if args.action == "list":
            for name in device.presets():
                print(name)
        elif args.action == "save":
            if args.source:
                device.load_preset(args.source)
            _set_params(device, args.param)
            print(f"saved {args.name!r} for {device.name}: {device.save_preset(args.name)}")
        elif args.action == "load":
            device.load_preset(args.name)
            print(f"{device.name} with {args.name!r}:")
            _print_params(device)
        elif args.action == "export":
            device.load_preset(args.name)
            # Some plugins (DPF's) take parameter values only with a block of audio, and
            # only then save them in their own state, which is what a .vstpreset holds.
            group = device.sandbox.group
            group.process({}, device, frames=group.block_size)
            print(f"wrote {device.export_preset(args.file)}")
        elif args.action == "import":
            device.load_preset(args.file)
            print(f"saved {args.name!r} for {device.name}: {device.save_preset(args.name)}")
        elif args.action == "delete":
            device.delete_preset(args.name)
            print(f"deleted {args.name!r} for {device.name}")
    return 0


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "preset", help="list, save, load, export and import a plugin's presets",
        description="Presets are stored per plugin in $XDG_DATA_HOME/scuff/presets; .vstpreset files "
                    "are the VST3 preset files other hosts read and write; a CLAP plugin that offers "
                    "clap.preset-load reads preset files of its own format.")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the presets stored for PLUGIN")
    listing.add_argument("plugin", help="a plugin file, or a scanned plugin's id or name")
    save = actions.add_parser("save", help="store PLUGIN's defaults, with --param changes, as NAME")
    save.add_argument("plugin")
    save.add_argument("name")
    save.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                      help="a parameter's plain value or text (repeatable)")
    save.add_argument("--from", dest="source", metavar="PRESET",
                      help="start from a stored preset, a .vstpreset, or a CLAP plugin's own preset file")
    load = actions.add_parser("load", help="load NAME into PLUGIN and print its parameters")
    load.add_argument("plugin")
    load.add_argument("name")
    export = actions.add_parser("export", help="write the stored preset NAME as a .vstpreset FILE (VST3)")
    export.add_argument("plugin")
    export.add_argument("name")
    export.add_argument("file")
    imported = actions.add_parser(
        "import", help="store the .vstpreset FILE (VST3), or a preset FILE of the plugin's own format "
                       "(CLAP plugins offering clap.preset-load), as NAME")
    imported.add_argument("plugin")
    imported.add_argument("file")
    imported.add_argument("name")
    delete = actions.add_parser("delete", help="delete the stored preset NAME")
    delete.add_argument("plugin")
    delete.add_argument("name")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_preset(args)
