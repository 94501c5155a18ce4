"""Where the native executables shipped inside the package live."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from ..errors import ScuffError


def executable(name: str) -> Path:
    """The path of `scuff-sbox` or `scuff-scan`, installed in the package's bin folder."""
    path = Path(str(files("scuff") / "bin" / name))
    if not os.access(path, os.X_OK):
        raise ScuffError(f"{name} is missing from the scuff installation (looked at {path})")
    return path
