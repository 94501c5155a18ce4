"""Why a sandbox process is not running, as a code (`Reason`) and in words."""

from __future__ import annotations

import enum
import signal


class Reason(enum.Enum):
    """Why a sandbox is not running (or RUNNING when it is)."""

    RUNNING = "running"
    # The process could not be started, or a device could not be re-created in it.
    FAILED_TO_START = "failed to start"
    # It missed too many audio cycles in a row, or did not answer a control message in time.
    UNRESPONSIVE = "unresponsive"
    # A signal ended the process (SIGSEGV, SIGABRT, SIGKILL...).
    CRASHED = "crashed"
    # The process exited by itself.
    EXITED = "exited"
    # It sent something malformed or wrong, and was killed for it.
    PROTOCOL_ERROR = "protocol error"
    # The client closed it.
    CLOSED = "closed"
    # It reached its memory limit (SandboxLimits.memory_mb).
    MEMORY_LIMIT = "memory limit"
    # It used up its CPU time (SandboxLimits.cpu_seconds).
    CPU_LIMIT = "cpu limit"
    # The plugin made a system call its limits forbid (the call is named in the detail).
    FORBIDDEN_SYSCALL = "forbidden syscall"



def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "closed its control channel"
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"
