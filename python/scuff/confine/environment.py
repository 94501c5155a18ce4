"""The environment a confined process starts with: the client's, but with every per-user
folder pointing into what its view shows. The XDG folders are those of the settings home
at the home folder, whatever the user's own settings say (a plugin reading
XDG_CONFIG_HOME must find a folder it may write); the temporary and runtime folders are
its private folder; the X authority file is the cookie of its own that the client writes
there when the first editor is shown."""

from __future__ import annotations

import os
from pathlib import Path

from .limits import SandboxLimits, home_folder

XAUTHORITY_NAME = "Xauthority"


def xauthority_file(private_dir: Path) -> Path:
    """Where a confined process finds its X cookie."""
    return private_dir / XAUTHORITY_NAME


def confined_environment(limits: SandboxLimits, private_dir: Path | None) -> dict[str, str] | None:
    """The environment of a process with these limits and private folder; None: the
    client's own, unchanged (no confinement)."""
    if not limits.confine or private_dir is None:
        return None
    home = home_folder()
    private = str(private_dir)
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_RUNTIME_DIR": private,
        "TMPDIR": private,
        "XAUTHORITY": str(xauthority_file(private_dir)),
    }
