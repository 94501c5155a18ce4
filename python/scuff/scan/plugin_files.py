"""Finding the plugin files and bundles in folders. A plugin file or bundle is one entry:
a walk never descends into a bundle."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..formats import plugin_format


def is_plugin_entry(path: Path) -> bool:
    """Whether `path` names a plugin file or bundle, from its name alone."""
    return plugin_format(path) is not None


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
