"""`scuff settings list|remove VENDOR`: the settings homes that confined sandboxes show to
each vendor's plugins as their home folder."""

from __future__ import annotations

import argparse
import time

from ..confine.settings_homes import remove_settings_home, settings_homes, settings_homes_root
from .commands import Commands


def run_list() -> int:
    homes = settings_homes()
    if not homes:
        print(f"no settings homes yet (they are kept in {settings_homes_root()})")
        return 0
    width = max(len(home.vendor) for home in homes)
    for home in homes:
        changed = time.strftime("%Y-%m-%d %H:%M", time.localtime(home.modified)) if home.modified else "empty"
        print(f"{home.vendor:<{width}}  {_size(home.size_bytes):>9}  {changed:<16}  {home.path}")
    return 0


def run_remove(vendor: str) -> int:
    home = remove_settings_home(vendor)
    print(f"removed the settings home of {home.vendor} ({_size(home.size_bytes)}, {home.path})")
    return 0


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    value, unit = count / 1024, "KiB"
    for larger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, larger
    return f"{value:.1f} {unit}"


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "settings", help="list or remove the settings homes of plugin vendors",
        description="A confined sandbox shows its plugins a settings home of their vendor's as the home folder: "
                    "what they write there is kept, and the user's own files are out of their reach.")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every vendor's settings home, its size and last change")
    remove = actions.add_parser("remove", help="remove a vendor's settings home and what its plugins kept there")
    remove.add_argument("vendor", help="the vendor's name, as `scuff settings list` shows it")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_list() if args.action == "list" else run_remove(args.vendor)
