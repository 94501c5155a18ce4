"""Settings homes: one persistent folder per plugin vendor, which a confined sandbox shows
as the home folder (in its own view of the file system, so that plugins writing to
hard-coded paths land there too). What a plugin writes to `~/.config`, `~/.local/share`,
`~/.cache` or a dot folder of its own is kept there across restarts, sandboxes and
clients; the user's own files in the home folder are out of its reach.

They live in `$XDG_DATA_HOME/scuff/settings-homes/<vendor>` (by default
`~/.local/share/scuff/settings-homes/<vendor>`), one folder named after each vendor as
its plugins report it."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import ScuffError

FOLDER = Path("scuff") / "settings-homes"
# A file name holds at most 255 bytes; a vendor's name is cut well before.
MAX_NAME_BYTES = 200
UNKNOWN_VENDOR = "unknown vendor"


@dataclass(frozen=True)
class SettingsHome:
    """A vendor's settings home: where it is, what it holds (bytes in its files) and when
    something in it last changed (seconds since the epoch, 0 for an empty home)."""

    vendor: str
    path: Path
    size_bytes: int
    modified: float


def settings_homes_root() -> Path:
    """The folder that holds every vendor's settings home."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / FOLDER


def home_folder_name(vendor: str) -> str:
    """The folder name of `vendor`'s settings home: the name itself, but for path
    separators and unprintable characters (an underscore each), leading dots and spaces,
    and what is past MAX_NAME_BYTES."""
    name = "".join(c if c.isprintable() and c not in "/\\" else "_" for c in vendor).strip().lstrip(". ")
    encoded = name.encode("utf-8")[:MAX_NAME_BYTES]
    name = encoded.decode("utf-8", errors="ignore").strip()
    return name or UNKNOWN_VENDOR


def prepare_settings_home(vendor: str) -> Path:
    """`vendor`'s settings home, made if it does not exist yet (readable by this user only)."""
    root = settings_homes_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / home_folder_name(vendor)
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError as error:
        raise ScuffError(f"cannot make the settings home of {vendor!r} at {path}: {error.strerror}") from None
    if path.is_symlink() or not path.is_dir():
        raise ScuffError(f"the settings home of {vendor!r} at {path} is not a folder")
    return path


def settings_homes() -> list[SettingsHome]:
    """Every vendor's settings home, by vendor."""
    root = settings_homes_root()
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name.casefold())
    except OSError:
        return []
    return [_describe(entry.name, Path(entry.path)) for entry in entries if entry.is_dir(follow_symlinks=False)]


def settings_home(vendor: str) -> SettingsHome | None:
    """`vendor`'s settings home, or None when its plugins have never had one."""
    path = settings_homes_root() / home_folder_name(vendor)
    if path.is_symlink() or not path.is_dir():
        return None
    return _describe(path.name, path)


def remove_settings_home(vendor: str) -> SettingsHome:
    """Removes `vendor`'s settings home and everything its plugins kept there; returns what
    it was. Raises ScuffError when there is none. A sandbox that shows it keeps an empty
    home until it is restarted."""
    home = settings_home(vendor)
    if home is None:
        known = ", ".join(h.vendor for h in settings_homes()) or "none"
        raise ScuffError(f"no settings home for {vendor!r} in {settings_homes_root()} (there are: {known})")
    try:
        shutil.rmtree(home.path)
    except OSError as error:
        raise ScuffError(f"cannot remove the settings home of {vendor!r} at {home.path}: "
                         f"{error.strerror or error}") from None
    return home


def _describe(name: str, path: Path) -> SettingsHome:
    size, modified = 0, 0.0
    for folder, folders, files in os.walk(path):
        for entry in [os.path.join(folder, f) for f in (*folders, *files)]:
            try:
                info = os.lstat(entry)
            except OSError:
                continue
            modified = max(modified, info.st_mtime)
            if stat.S_ISREG(info.st_mode):
                size += info.st_size
    return SettingsHome(name, path, size, modified)
