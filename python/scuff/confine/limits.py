"""What a sandbox (or a scanner) may do: its memory and CPU time, the files it may read
and write, the network, new programs, the X server. `SandboxLimits` is what the user asks
for; this module turns it into the command-line options by which scuff-sbox and scuff-scan
confine themselves before they load a plugin (`cpp/common/include/scuff/confinement_options.hpp`):
the paths of their file-system view, and the home folder a settings home replaces there."""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import LimitsError
from ..formats import standard_folders
from .display import display_socket
from .plugin_folders import remembered_plugin_folders

# Below this, scuff-sbox itself (its audio thread, the C++ runtime) may not start.
MIN_MEMORY_MB = 32

# Read (and map, and run) beneath these: the system's libraries, programs and data (icons,
# themes, fonts), the files the C library, fontconfig, Mesa and GUI toolkits read, /proc
# (whose other processes' entries Landlock and the kernel's ptrace rules keep closed).
SYSTEM_READABLE = (
    "/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/opt",
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime",
    "/etc/timezone", "/etc/locale.alias", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
    "/etc/machine-id", "/etc/os-release", "/etc/xdg", "/etc/mime.types", "/etc/gtk-3.0", "/etc/gtk-2.0",
    "/etc/alternatives", "/etc/drirc",
    "/var/lib/dbus/machine-id", "/var/cache/fontconfig",
    "/proc", "/sys/devices/system/cpu", "/dev/urandom", "/dev/random",
)
SYSTEM_WRITABLE = ("/dev/null", "/dev/zero", "/dev/full")

X11_TRUST = ("auto", "trusted", "untrusted", "nested")
# What "auto" becomes for a sandbox, at its start.
X11Mode = Literal["trusted", "untrusted", "nested"]
# The nested X server x11="nested" (and "auto", where it is installed) starts for a sandbox.
XEPHYR = "Xephyr"

# Where, in a home folder, a login, a desktop session or a shell would run code from: empty
# and read-only in every settings home, so that a plugin's attempt is refused and reported
# rather than kept where nothing would run it anyway. A trailing slash: a folder.
SEALED_IN_HOME = (
    ".config/autostart/", ".config/systemd/", ".config/environment.d/", ".local/share/systemd/",
    ".local/share/applications/", ".local/share/dbus-1/", ".ssh/",
    ".profile", ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".zshrc", ".zshenv", ".zprofile",
    ".zlogin", ".xprofile", ".xsessionrc", ".xinitrc", ".pam_environment",
)


def home_folder() -> Path:
    """The user's home folder, which a confined process sees as its settings home."""
    return Path(os.path.abspath(Path.home()))


def _home_readable() -> list[Path]:
    """The user's own fonts and icons, shown read-only in the settings home."""
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [home / ".fonts", home / ".fontconfig", home / ".icons", data / "fonts", data / "icons"]


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
        if path == home_folder():
            raise LimitsError(f"{name}: {path} is the home folder, which a sandbox sees as a settings home of its "
                              "own; name the folders beneath it that the plugin may use (~/Samples, say)")
        paths.append(path)
    return tuple(paths)


@dataclass(frozen=True, repr=False)
class SandboxLimits:
    """What a sandbox may do. The defaults protect the user and let real plugins work: no
    network, no new programs; a view of the file system with only the system's libraries,
    fonts and icons, the plugin folders and the plugin's own files (read-only), a private
    temporary folder (its TMPDIR) and, as the home folder, the settings home of the plugin's
    vendor, where what it writes is kept (see docs/confinement.md).

    `memory_mb`: private memory the process may use; reaching it stops the sandbox
    (`Reason.MEMORY_LIMIT`). `cpu_seconds`: CPU time the process may use over its whole
    life, every thread counted; reaching it stops the sandbox (`Reason.CPU_LIMIT`).
    `allowed_paths` are also readable, `writable_paths` also writable (both must exist).
    `network=True` allows sockets to other machines; `allow_exec=True` allows starting
    programs (fork and exec). `x11` is how editors reach the X server: "nested" (its editors
    float in a window of an X server of their own, Xephyr, itself an untrusted client of the
    session's: no other client's windows or input, and OpenGL works; no embedding), "trusted"
    (a cookie of the sandbox's own, the session's stays out of reach; OpenGL editors work and
    can be embedded, but may read other clients' windows and input), "untrusted" (the X
    SECURITY extension: no other client's windows or input, and no GLX, RENDER or MIT-SHM
    either) or "auto", the default: "nested" where Xephyr is installed, else "trusted" (and
    `sandbox.confinement` says so). `SandboxLimits.unconfined()` confines nothing.
    """

    memory_mb: int | None = None
    cpu_seconds: float | None = None
    allowed_paths: Sequence[str | os.PathLike[str]] = ()
    writable_paths: Sequence[str | os.PathLike[str]] = ()
    network: bool = False
    allow_exec: bool = False
    x11: Literal["auto", "trusted", "untrusted", "nested"] = "auto"
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
        if self.x11 not in X11_TRUST:
            raise LimitsError(f"x11 is \"auto\", \"nested\", \"trusted\" or \"untrusted\", not {self.x11!r}")
        object.__setattr__(self, "allowed_paths", _paths(self.allowed_paths, "allowed_paths"))
        object.__setattr__(self, "writable_paths", _paths(self.writable_paths, "writable_paths"))

    def __repr__(self) -> str:
        if not self.confine:
            return "SandboxLimits.unconfined()"
        return (f"SandboxLimits(memory_mb={self.memory_mb!r}, cpu_seconds={self.cpu_seconds!r}, "
                f"allowed_paths={tuple(map(str, self.allowed_paths))!r}, "
                f"writable_paths={tuple(map(str, self.writable_paths))!r}, network={self.network!r}, "
                f"allow_exec={self.allow_exec!r}, x11={self.x11!r})")

    def x11_mode(self) -> X11Mode:
        """How editors reach the X server, "auto" decided: "nested" where Xephyr is installed."""
        if self.x11 != "auto":
            return self.x11
        return "nested" if shutil.which(XEPHYR) is not None else "trusted"

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


def read_roots(limits: SandboxLimits, readable: Sequence[Path]) -> list[Path] | None:
    """Every folder a process confined to `limits`, started with `readable` (its
    `readable_paths`), may read beneath, with links followed (Landlock judges the file a path
    leads to); None when it is not confined and may read anything."""
    if not limits.confine:
        return None
    return [root.resolve() for root in [*readable, *writable_paths(limits, None)]]


def may_read(path: Path, roots: Sequence[Path] | None) -> bool:
    """Whether a process with these `read_roots` may read `path`."""
    if roots is None:
        return True
    path = path.resolve()
    return any(path == root or root in path.parents for root in roots)


def writable_paths(limits: SandboxLimits, private_dir: Path | None) -> list[Path]:
    paths = [Path(p) for p in SYSTEM_WRITABLE]
    if private_dir is not None:
        paths.append(private_dir)
    return paths + [Path(p) for p in limits.writable_paths]


def confinement_arguments(limits: SandboxLimits, *, private_dir: Path | None,
                          readable: Sequence[Path], settings_home: Path | None = None,
                          x11_socket_folder: Path | None = None) -> list[str]:
    """The options that make scuff-sbox or scuff-scan confine itself to `limits`, reading
    beneath `readable` (from `readable_paths`), with `settings_home` as its home folder
    (None: a scratch home, gone with the process). With `x11_socket_folder` (x11="nested"),
    that folder is its X socket folder, and the session's socket is not in its view."""
    if not limits.confine:
        return []
    args = ["--confine", "1"]
    for path in readable:
        args += ["--confine-read", str(path.absolute())]
    for path in writable_paths(limits, private_dir):
        args += ["--confine-write", str(path.absolute())]
    socket = display_socket()
    if x11_socket_folder is not None:
        args += ["--confine-x11-folder", str(x11_socket_folder)]
    elif socket is not None:
        args += ["--confine-socket", str(socket)]
    home = home_folder()
    if home != Path("/"):
        args += ["--confine-home", str(home)]
        if settings_home is not None:
            args += ["--confine-home-source", str(settings_home.absolute())]
        for place in SEALED_IN_HOME:
            args += ["--confine-home-read-only", place]
    if limits.memory_mb is not None:
        args += ["--confine-memory-mb", str(limits.memory_mb)]
    if limits.cpu_seconds is not None:
        args += ["--confine-cpu-seconds", str(max(1, math.ceil(limits.cpu_seconds)))]
    if limits.network:
        args += ["--confine-network", "1"]
    if limits.allow_exec:
        args += ["--confine-exec", "1"]
    return args
