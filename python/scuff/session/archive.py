"""A session file on disk: a zip holding `manifest.json` and each device's state under
`states/`. Everything read back is bounded and checked before anything is built from it."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import SessionFormatError, SessionStateError
from .manifest import Manifest

MANIFEST = "manifest.json"
# Bounds on what a session file may make this process read.
MAX_MANIFEST = 16 * 1024 * 1024
MAX_STATE = 256 * 1024 * 1024
MAX_ENTRIES = 10_000


def write(path: str | os.PathLike[str], manifest: Manifest, states: dict[str, bytes]) -> None:
    """Writes the session atomically: a failure leaves any earlier file at `path` intact."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest.to_json())
            for name, data in states.items():
                archive.writestr(name, data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def state_name(key: str) -> str:
    return f"states/{key}.bin"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(path: str | os.PathLike[str]) -> tuple[Manifest, dict[str, bytes]]:
    """The manifest and every device's state (by device key), each state checked against
    the digest the manifest holds for it."""
    source = Path(path)
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise SessionFormatError(f"no session file at {source}") from None
    except IsADirectoryError:
        raise SessionFormatError(f"{source} is a folder, not a session file") from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SessionFormatError(f"{source} is not a session file (not a whole zip file: {error})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise SessionFormatError(f"{source} holds {len(infos)} files, more than a session has")
        manifest = Manifest.from_json(_member(archive, source, MANIFEST, MAX_MANIFEST).decode("utf-8", "replace"),
                                      str(source))
        states = {}
        for sandbox in manifest.sandboxes:
            for device in sandbox.devices:
                data = _member(archive, source, state_name(device.key), MAX_STATE)
                if digest(data) != device.state_sha256:
                    raise SessionStateError(
                        f"{source}: the state of device {device.key} ({device.label}) is damaged "
                        "(it does not match its checksum)")
                states[device.key] = data
    return manifest, states


def _member(archive: zipfile.ZipFile, source: Path, name: str, limit: int) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise SessionFormatError(f"{source} lacks {name}") from None
    if info.file_size > limit:
        raise SessionFormatError(f"{source}: {name} is larger than {limit} bytes")
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise SessionFormatError(f"{source}: {name} cannot be read ({error}); the file is damaged") from None
    if len(data) > limit:
        raise SessionFormatError(f"{source}: {name} is larger than {limit} bytes")
    return data
