"""libjack is loaded at run time, never linked: the module imports and renders without it,
and live playing without it raises an error that names what to install.

Two ways to take libjack away from one process: the test hook SCUFF_TEST_LIBJACK_SONAME
(the name the JACK host looks for, made one that exists nowhere), and, where this process
may make a mount namespace (root, or unprivileged user namespaces), the system's
libjack.so.0 itself covered by an empty file for a child process only.
"""

from __future__ import annotations

import ctypes
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

import scuff

MISSING_SONAME = "libjack-missing-for-scuff-tests.so.0"
ZAM_COMP = pathlib.Path("/usr/lib/clap/ZamComp.clap")

# Run in a child process without libjack: the package imports, renders, and live playing
# (the Python API and `scuff play`) fails with the clear error, not a crash.
WITHOUT_LIBJACK = textwrap.dedent("""
    import sys
    import numpy as np
    import scuff
    import scuff.live as live
    from scuff.cli import main

    assert not live.jack_available()
    with scuff.Client() as client:
        group = client.create_group(sample_rate=48000, block_size=128)
        device = group.create_sandbox().create_device(sys.argv[1])
        out = group.render({device.input(0): np.full((1, 256), 0.1, np.float32)}, device.output(0))
        assert out.shape[1] == 256 and out.any()
        for attempt in (live.server_info, lambda: live.JackHost(group, inputs=[device], outputs=[device])):
            try:
                attempt()
            except live.JackError as error:
                print("JackError:", error)
            else:
                raise SystemExit("no JackError")
    sys.exit(10 + main(["play", "--plugin", sys.argv[1], "--seconds", "0.1"]))
""")


def _check_clear_error(result: subprocess.CompletedProcess[str], name: str) -> None:
    # 10 + `scuff play`'s status, 1 for an error it explains.
    assert result.returncode == 11, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stdout.splitlines() if line.startswith("JackError:")]
    assert len(lines) == 2, result.stdout + result.stderr
    for line in lines:
        assert f"cannot load {name}" in line
        assert "libjack-jackd2-0" in line and "jackd2" in line and "pipewire-jack" in line
    # `scuff play` says the same on stderr and exits with its error status.
    assert "libjack-jackd2-0" in result.stderr and "Traceback" not in result.stderr, result.stderr


@pytest.mark.skipif(not ZAM_COMP.exists(), reason="zam-plugins not installed")
def test_without_libjack_live_playing_raises_an_error_naming_what_to_install():
    env = dict(os.environ, SCUFF_TEST_LIBJACK_SONAME=MISSING_SONAME)
    result = subprocess.run([sys.executable, "-c", WITHOUT_LIBJACK, str(ZAM_COMP)], capture_output=True,
                            text=True, timeout=120, env=env)
    _check_clear_error(result, MISSING_SONAME)


def _system_libjack() -> pathlib.Path | None:
    """The file the loader finds for libjack.so.0, or None."""
    try:
        ctypes.CDLL("libjack.so.0")
    except OSError:
        return None
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "libjack.so" in path:
                return pathlib.Path(path).resolve()
    return None


def _can_unshare() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--mount", "--map-root-user", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not ZAM_COMP.exists(), reason="zam-plugins not installed")
def test_with_the_system_libjack_hidden_live_playing_raises_the_same_error(tmp_path):
    library = _system_libjack()
    if library is None:
        pytest.skip("no system libjack to hide")
    if not _can_unshare():
        pytest.skip("this process may not make a mount namespace (unshare --mount)")
    empty = tmp_path / "empty.so"
    empty.write_bytes(b"")
    script = tmp_path / "without_libjack.py"
    script.write_text(WITHOUT_LIBJACK)
    # The bind mount lives in the child's namespace only and goes with it.
    command = (f'mount --bind "{empty}" "{library}" && exec "{sys.executable}" "{script}" "{ZAM_COMP}"')
    result = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", command], capture_output=True,
                            text=True, timeout=120)
    _check_clear_error(result, "libjack.so.0")


def test_the_module_does_not_link_libjack():
    readelf = shutil.which("readelf")
    assert readelf, "readelf (binutils) is needed to read the module's dynamic section"
    module = scuff._native.__file__
    dynamic = subprocess.run([readelf, "-d", module], capture_output=True, text=True, check=True).stdout
    needed = [line for line in dynamic.splitlines() if "(NEEDED)" in line]
    assert needed, dynamic
    assert not [line for line in needed if "libjack" in line], needed
