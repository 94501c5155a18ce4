"""The folders plugins were created from in this process. Every later sandbox may read
them, so that a plugin outside the standard folders can be used without naming its
folder in every SandboxLimits."""

from __future__ import annotations

import threading
from pathlib import Path

from ..formats import plugin_format

_folders: list[Path] = []
_lock = threading.Lock()


def plugin_folder(path: Path) -> Path:
    """The folder holding a plugin's own files: a VST3 bundle, else the file's folder."""
    for parent in (path, *path.parents):
        if plugin_format(parent) == "vst3" and parent.is_dir():
            return parent
    return path.parent


def remember_plugin_folder(folder: Path) -> None:
    with _lock:
        if folder not in _folders:
            _folders.append(folder)


def remembered_plugin_folders() -> list[Path]:
    with _lock:
        return list(_folders)
