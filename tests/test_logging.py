"""scuff logs like a library: nothing reaches stderr unless the application configures
logging."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CRASH_A_SANDBOX = textwrap.dedent("""
    import logging, os, signal, sys, time
    import scuff
    if sys.argv[1] == "configured":
        logging.basicConfig(level=logging.WARNING)
    with scuff.Client() as client:
        sandbox = client.create_group().create_sandbox()
        os.kill(sandbox.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while sandbox.state != "crashed" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sandbox.state == "crashed"
""")


def run(mode: str) -> str:
    result = subprocess.run([sys.executable, "-c", CRASH_A_SANDBOX, mode], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_state_changes_are_silent_unless_logging_is_configured():
    assert run("silent") == ""
    assert "is crashed" in run("configured")
