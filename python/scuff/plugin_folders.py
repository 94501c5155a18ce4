"""Where plugins are installed on Linux, and finding the plugin files in those folders.

A CLAP plugin is a `.clap` file; a VST3 plugin is a `.vst3` bundle folder (or, rarely, a
plain `.vst3` library file). Either is one entry: a walk never descends into a bundle.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

PLUGIN_SUFFIXES = (".clap", ".vst3")

# Per format: the variable holding extra folders, then the standard folders, the user's
# own first.
_FORMAT_FOLDERS = {
    "CLAP_PATH": ("~/.clap", "/usr/local/lib/clap", "/usr/lib/clap"),
    "VST3_PATH": ("~/.vst3", "/usr/local/lib/vst3", "/usr/lib/vst3"),
}


def standard_folders(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The folders a scan walks when given no paths, for CLAP then VST3: the folders named
    by CLAP_PATH and VST3_PATH (colon-separated) first, then the user's and the system's
    standard folders. A plugin id found twice keeps its first file, so this order is also
    the order of precedence."""
    environ = os.environ if environ is None else environ
    folders: list[Path] = []
    for variable, defaults in _FORMAT_FOLDERS.items():
        extra = [entry for entry in environ.get(variable, "").split(os.pathsep) if entry]
        for folder in (*extra, *defaults):
            path = Path(folder).expanduser()
            if path not in folders:
                folders.append(path)
    return folders


def is_plugin_entry(path: Path) -> bool:
    """Whether `path` names a plugin file or bundle, from its name alone."""
    return path.suffix.lower() in PLUGIN_SUFFIXES


def find_plugin_files(roots: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every plugin file or bundle under `roots`, each once, in the order found.

    A root that is itself a file or a bundle is yielded as it is, whatever its name, so
    that the scanner can say what is wrong with it; a root that does not exist is yielded
    too, for the same reason. Folders are walked depth first in name order, following
    symbolic links but never around a loop. A file reached twice (through a link) is
    yielded once, under the name it was first reached by.
    """
    seen_files: set[str] = set()
    seen_folders: set[str] = set()

    def once(path: Path) -> bool:
        real = os.path.realpath(path)
        if real in seen_files:
            return False
        seen_files.add(real)
        return True

    def walk(folder: Path) -> Iterator[Path]:
        real = os.path.realpath(folder)
        if real in seen_folders:
            return
        seen_folders.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            if is_plugin_entry(path):
                if once(path):
                    yield path
            elif _is_folder(entry):
                yield from walk(path)

    for root in roots:
        path = Path(os.path.abspath(Path(root).expanduser()))
        if path.is_dir() and not is_plugin_entry(path):
            yield from walk(path)
        elif once(path):
            yield path


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False
