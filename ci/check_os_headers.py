"""Fails when an OS header is included outside the OS layer.

Every OS call of the native code lives behind the small interfaces of
cpp/common/include/scuff/os/, implemented in cpp/common/src/os/, so that macOS and
Windows can be added there without touching the rest. A file elsewhere that includes
an OS header is the first step away from that. The headers counted are those of the
OS interfaces themselves: POSIX and Linux system headers, the Apple kernel and loader
headers, and the Windows API. The ISO C and C++ headers (<cerrno>, <csignal>, <cstdio>...)
are portable and allowed (but not <signal.h>, where code reaches for sigaction and kill),
and so are CPU headers like <xmmintrin.h>, which depend on the processor, not the OS.
The test plugins (tests/plugins) are not checked: they are
not shipped, and misbehaving on purpose is their job.

Usage: python ci/check_os_headers.py [ROOT]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CHECKED_FOLDERS = ("cpp", "bindings")
OS_LAYER = ("cpp/common/src/os/", "cpp/common/include/scuff/os/")
SOURCE_SUFFIXES = {".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx", ".inl", ".mm", ".m"}

# Folders of system headers: everything in them is OS-specific.
OS_HEADER_FOLDERS = ("sys/", "linux/", "asm/", "asm-generic/", "bits/", "netinet/", "arpa/", "net/",
                     "mach/", "mach-o/", "libkern/", "dispatch/", "CoreFoundation/", "CoreServices/",
                     # The window system: editors' windows are OS-specific too (X11 now, Win32 and
                     # Cocoa later), so their calls stay in the OS layer with the rest.
                     "X11/", "xcb/")
# Single headers: POSIX and the C library's OS extensions, and the Windows API.
OS_HEADERS = {
    "unistd.h", "fcntl.h", "poll.h", "dlfcn.h", "pthread.h", "sched.h", "signal.h", "spawn.h",
    "semaphore.h", "dirent.h", "termios.h", "syscall.h", "link.h", "elf.h", "pwd.h",
    "grp.h", "netdb.h", "ucontext.h", "execinfo.h", "malloc.h", "alloca.h", "wait.h",
    "windows.h", "winsock2.h", "ws2tcpip.h", "winbase.h", "winnt.h", "io.h", "process.h",
    "direct.h", "afunix.h", "synchapi.h", "processthreadsapi.h", "handleapi.h", "memoryapi.h",
    "libloaderapi.h", "tlhelp32.h", "shlobj.h",
}

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]', re.MULTILINE)


def is_os_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in OS_HEADERS or name.startswith(OS_HEADER_FOLDERS)


def violations(root: Path) -> list[str]:
    found = []
    for folder in CHECKED_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.suffix not in SOURCE_SUFFIXES or relative.startswith(OS_LAYER):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in INCLUDE.finditer(text):
                if is_os_header(match.group(1)):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{relative}:{line}: includes <{match.group(1)}> outside the OS layer")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = violations(root)
    for violation in found:
        print(violation, file=sys.stderr)
    if found:
        print(f"{len(found)} OS header(s) outside {' and '.join(OS_LAYER)}: move the OS calls "
              "behind an interface in scuff/os/", file=sys.stderr)
        return 1
    print("OS headers: only in the OS layer")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
