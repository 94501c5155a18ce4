"""`scuff demo`, the main job: a real plugin renders in a sandbox, and a second sandbox
chained to it crashes and comes back while the first goes on."""

from __future__ import annotations

import subprocess
import sys


def test_demo_renders_then_survives_a_crash_and_restarts():
    result = subprocess.run([sys.executable, "-m", "scuff", "demo", "--seconds", "1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "hosts ZamComp (com.zamaudio.ZamComp)" in out
    assert "output peak in the second half" in out
    assert "connected ZamComp to ZamVerb" in out and "latency 512 frames" in out
    assert "crashed (scuff-sbox was killed by SIGSEGV)" in out
    assert "ZamVerb silent: True" in out
    assert "connection kept; ZamVerb is running" in out
