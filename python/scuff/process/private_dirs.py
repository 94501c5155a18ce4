"""The private temporary folder of each sandbox and scanner process (its TMPDIR, the only
temporary folder it may write to). Each is removed when its process ends; the folders of
a client that was killed before it could remove them are removed by the next client."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# scuff-sbox-<client pid>-<random>, scuff-scan-<client pid>-<random>
_NAME = re.compile(r"scuff-(?:sbox|scan)-(\d+)-")


def make_private_dir(kind: str) -> Path:
    """A new folder for one `kind` ("sbox" or "scan") process of this client."""
    return Path(tempfile.mkdtemp(prefix=f"scuff-{kind}-{os.getpid()}-"))


def remove_private_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def copy_inside(private_dir: Path, source: Path) -> Iterator[Path]:
    """A copy of the file `source` in a process's private folder, under the same name, for
    the length of the block. Raises OSError when `source` cannot be read."""
    folder = Path(tempfile.mkdtemp(prefix="shared-", dir=private_dir))
    try:
        copy = folder / source.name
        shutil.copyfile(source, copy)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_private_dirs() -> None:
    """Removes this user's private folders left by clients that no longer run."""
    root = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            match = _NAME.match(entry.name)
            if match is None or not entry.is_dir(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _running(int(match.group(1))):
                    continue
                shutil.rmtree(entry.path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
