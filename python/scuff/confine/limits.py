"""What a sandbox (or a scanner) may do: its memory and CPU time, the files it may read
and write, the network, new programs. `SandboxLimits` is what the user asks for; this
module turns it into the command-line options by which scuff-sbox and scuff-scan confine
themselves before they load a plugin (`cpp/common/include/scuff/confinement_options.hpp`)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LimitsError
from ..formats import standard_folders
from .plugin_folders import remembered_plugin_folders

# Below this, scuff-sbox itself (its audio thread, the C++ runtime) may not start.
MIN_MEMORY_MB = 32

# Read (and map, and run) beneath these: the system's libraries and programs, the files
# the C library, fontconfig and GUI toolkits read, the process's own /proc entries.
SYSTEM_READABLE = (
    "/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/opt",
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime",
    "/etc/timezone", "/etc/locale.alias", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
    "/etc/machine-id", "/etc/os-release", "/etc/xdg", "/etc/mime.types", "/etc/gtk-3.0",
    "/var/lib/dbus/machine-id", "/var/cache/fontconfig",
    "/proc", "/sys/devices/system/cpu", "/dev/urandom", "/dev/random",
)
SYSTEM_WRITABLE = ("/dev/null", "/dev/zero", "/dev/full")


def _home_readable() -> list[Path]:
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    paths = [home / ".fonts", data / "fonts", home / ".fontconfig"]
    paths.append(Path(os.environ.get("XAUTHORITY") or home / ".Xauthority"))
    return paths


def user_settings_folders() -> list[Path]:
    """The per-user folders where plugins keep their settings and presets
    (XDG_CONFIG_HOME and XDG_DATA_HOME, by default ~/.config and ~/.local/share)."""
    home = Path.home()
    return [Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config"),
            Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")]


def _paths(value: object, name: str) -> tuple[Path, ...]:
    if isinstance(value, (str, os.PathLike)):
        value = (value,)
    try:
        items = list(value)  # type: ignore[call-overload]
    except TypeError:
        raise LimitsError(f"{name} is a list of paths, not {type(value).__name__}") from None
    paths = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise LimitsError(f"{name} holds paths, not {type(item).__name__} ({item!r})")
        path = Path(os.fspath(item)).expanduser()
        if not path.is_absolute():
            path = path.absolute()
        if not path.exists():
            raise LimitsError(f"{name}: {path} does not exist (a sandbox can only be given existing paths)")
        paths.append(path)
    return tuple(paths)


@dataclass(frozen=True, repr=False)
class SandboxLimits:
    """What a sandbox may do. The defaults protect the user and let real plugins work: no
    network, no new programs, writes only to a private temporary folder (its TMPDIR) and
    the per-user settings folders, reads of the system's libraries and fonts, the plugin
    folders and the plugin's own files.

    `memory_mb`: private memory the process may use; reaching it stops the sandbox
    (`Reason.MEMORY_LIMIT`). `cpu_seconds`: CPU time the process may use over its whole
    life, every thread counted; reaching it stops the sandbox (`Reason.CPU_LIMIT`).
    `allowed_paths` are also readable, `writable_paths` also writable (both must exist).
    `network=True` allows sockets to other machines; `allow_exec=True` allows starting
    programs (fork and exec). `SandboxLimits.unconfined()` confines nothing.
    """

    memory_mb: int | None = None
    cpu_seconds: float | None = None
    allowed_paths: Sequence[str | os.PathLike[str]] = ()
    writable_paths: Sequence[str | os.PathLike[str]] = ()
    network: bool = False
    allow_exec: bool = False
    # False only for `unconfined()`: no limit of any kind is installed.
    confine: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        if self.memory_mb is not None:
            if isinstance(self.memory_mb, bool) or not isinstance(self.memory_mb, int):
                raise LimitsError(f"memory_mb is a whole number of megabytes, not {self.memory_mb!r}")
            if self.memory_mb < MIN_MEMORY_MB:
                raise LimitsError(f"memory_mb must be at least {MIN_MEMORY_MB} (a sandbox needs that much to "
                                  f"start), not {self.memory_mb}")
        if self.cpu_seconds is not None:
            if isinstance(self.cpu_seconds, bool) or not isinstance(self.cpu_seconds, (int, float)):
                raise LimitsError(f"cpu_seconds is a number of seconds, not {self.cpu_seconds!r}")
            if not (math.isfinite(self.cpu_seconds) and self.cpu_seconds > 0):
                raise LimitsError(f"cpu_seconds must be positive, not {self.cpu_seconds!r}")
        for name in ("network", "allow_exec", "confine"):
            if not isinstance(getattr(self, name), bool):
                raise LimitsError(f"{name} is True or False, not {getattr(self, name)!r}")
        object.__setattr__(self, "allowed_paths", _paths(self.allowed_paths, "allowed_paths"))
        object.__setattr__(self, "writable_paths", _paths(self.writable_paths, "writable_paths"))

    def __repr__(self) -> str:
        if not self.confine:
            return "SandboxLimits.unconfined()"
        return (f"SandboxLimits(memory_mb={self.memory_mb!r}, cpu_seconds={self.cpu_seconds!r}, "
                f"allowed_paths={tuple(map(str, self.allowed_paths))!r}, "
                f"writable_paths={tuple(map(str, self.writable_paths))!r}, network={self.network!r}, "
                f"allow_exec={self.allow_exec!r})")

    @classmethod
    def unconfined(cls) -> SandboxLimits:
        """No limits at all: the sandbox may do whatever the user may."""
        return cls(network=True, allow_exec=True, confine=False)


def readable_paths(limits: SandboxLimits, extra: Iterable[Path] = ()) -> list[Path]:
    """Every path beneath which a sandbox with these limits may read."""
    paths = [Path(p) for p in SYSTEM_READABLE] + _home_readable()
    paths += standard_folders() + remembered_plugin_folders() + list(extra)
    paths += [Path(p) for p in limits.allowed_paths]
    return paths


def may_read(limits: SandboxLimits, path: Path, readable: Sequence[Path]) -> bool:
    """Whether a process confined to `limits`, started with `readable` (its
    `readable_paths`), may read `path`. Landlock judges the file a path leads to, so links
    are followed on both sides."""
    if not limits.confine:
        return True
    path = path.resolve()
    roots = [root.resolve() for root in [*readable, *writable_paths(limits, None)]]
    return any(path == root or root in path.parents for root in roots)


def writable_paths(limits: SandboxLimits, private_dir: Path | None) -> list[Path]:
    paths = [Path(p) for p in SYSTEM_WRITABLE] + user_settings_folders()
    if private_dir is not None:
        paths.append(private_dir)
    return paths + [Path(p) for p in limits.writable_paths]


def confinement_arguments(limits: SandboxLimits, *, private_dir: Path | None,
                          readable: Sequence[Path]) -> list[str]:
    """The options that make scuff-sbox or scuff-scan confine itself to `limits`, reading
    beneath `readable` (from `readable_paths`)."""
    if not limits.confine:
        return []
    args = ["--confine", "1"]
    for path in readable:
        args += ["--confine-read", str(path.absolute())]
    for path in writable_paths(limits, private_dir):
        args += ["--confine-write", str(path.absolute())]
    if limits.memory_mb is not None:
        args += ["--confine-memory-mb", str(limits.memory_mb)]
    if limits.cpu_seconds is not None:
        args += ["--confine-cpu-seconds", str(max(1, math.ceil(limits.cpu_seconds)))]
    if limits.network:
        args += ["--confine-network", "1"]
    if limits.allow_exec:
        args += ["--confine-exec", "1"]
    return args
