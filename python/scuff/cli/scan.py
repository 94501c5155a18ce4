"""`scuff scan`: the plugins found on stdout, as lines or as one JSON document; progress
and unreadable files on stderr."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ..host.client import Client
from ..scan.plugin_info import BrokenPlugin, PluginInfo
from ..scan.scanner_process import SCAN_TIMEOUT
from .commands import Commands

DEFAULT_COLUMNS = 80


def run_scan(paths: Sequence[Path], *, as_json: bool, use_cache: bool, timeout: float,
             standard_folders: bool, load_modules: bool = False) -> int:
    progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else ProgressLines(sys.stderr)
    with Client() as client:
        try:
            plugins = client.scan(paths, standard_folders=standard_folders, timeout=timeout,
                                  use_cache=use_cache, load_modules=load_modules, progress=progress)
        finally:
            progress.close()
        broken = client.broken_plugins
    if as_json:
        json.dump(scan_document(plugins, broken), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for plugin in plugins:
            print(f"{plugin.id}\t{plugin.name}\t{plugin.vendor}\t{plugin.format}\t{plugin.path}")
    for file in broken:
        which = f"{file.path} (plugin {file.plugin_id})" if file.plugin_id else file.path
        print(f"scuff: cannot use {which}: {file.error}", file=sys.stderr)
    files = len({plugin.path for plugin in plugins})
    summary = f"scuff: {_count(len(plugins), 'plugin')} in {_count(files, 'file')}"
    if broken:
        summary += f"; {len(broken)} could not be used (see above)"
    print(summary, file=sys.stderr)
    # Unreadable files are part of what a scan finds, not a failure of the command.
    return 0


def scan_document(plugins: Sequence[PluginInfo], broken: Sequence[BrokenPlugin]) -> dict[str, Any]:
    """What `--json` prints: {"plugins": [every PluginInfo field], "broken": [path, error,
    plugin_id]}. A field that is not known (a VST3 plugin listed from its moduleinfo.json
    has no ports, parameter count or has_gui) is null."""
    return {
        "plugins": [dataclasses.asdict(plugin) for plugin in plugins],
        "broken": [dataclasses.asdict(file) for file in broken],
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class ProgressBar:
    """One line on a terminal, redrawn after each file and erased at the end."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._drawn = False

    def __call__(self, done: int, total: int, path: str) -> None:
        width = self._width()
        bar_width = 20
        filled = bar_width * done // max(total, 1)
        line = f"scanning [{'#' * filled}{'.' * (bar_width - filled)}] {done}/{total} {os.path.basename(path)}"
        self._stream.write("\r" + line[: width - 1].ljust(width - 1))
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r" + " " * (self._width() - 1) + "\r")
            self._stream.flush()

    def _width(self) -> int:
        # The last column is left alone: writing it makes some terminals wrap.
        try:
            columns = os.get_terminal_size(self._stream.fileno()).columns
        except (OSError, ValueError):
            columns = 0
        return columns if columns > 1 else DEFAULT_COLUMNS


class ProgressLines:
    """One plain line per file, for logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, done: int, total: int, path: str) -> None:
        print(f"scuff: scanned {done}/{total} {path}", file=self._stream, flush=True)

    def close(self) -> None:
        pass


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "scan", help="list the installed plugins",
        description="Lists the plugins in the standard CLAP and VST3 folders (and CLAP_PATH, "
                    "VST3_PATH) and in PATHS, one scanner process per file; a VST3 bundle with a "
                    "moduleinfo.json is read from that file instead. Files that cannot be used are "
                    "listed on stderr; the exit status is still 0.")
    parser.add_argument("paths", nargs="*", type=Path,
                        help="more plugin files, VST3 bundles or folders to scan")
    parser.add_argument("--json", action="store_true", help="print one JSON document with the plugins "
                        "and the files that could not be used")
    parser.add_argument("--no-cache", action="store_true", help="scan every file again, even unchanged ones")
    parser.add_argument("--timeout", type=float, default=SCAN_TIMEOUT, metavar="SECONDS",
                        help=f"give up on a file after this long (default {SCAN_TIMEOUT:g})")
    parser.add_argument("--paths-only", action="store_true",
                        help="scan only PATHS, not the standard folders")
    parser.add_argument("--load", action="store_true",
                        help="load VST3 bundles even when their moduleinfo.json describes them, to learn "
                             "their ports, parameter count and editor")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_scan(args.paths, as_json=args.json, use_cache=not args.no_cache,
                    timeout=args.timeout, standard_folders=not args.paths_only,
                    load_modules=args.load)
