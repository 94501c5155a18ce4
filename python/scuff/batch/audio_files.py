"""Reading a job's input and writing its output: soundfile's formats, float32 (channels,
frames) arrays, outputs written beside their name and renamed so a failed job leaves nothing."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ScuffError

# libsndfile's command (sndfile.h) that turns off the PEAK chunk of float WAV and AIFF files,
# whose time stamp would make two renders of the same samples different files.
SFC_SET_ADD_PEAK_CHUNK = 0x1050
SF_FALSE = 0


@dataclass(frozen=True)
class AudioInput:
    samples: np.ndarray
    sample_rate: float
    container: str | None
    subtype: str | None
    sha256: str


def read_audio(path: Path) -> AudioInput:
    """A file's samples as float32 (channels, frames), with its format and checksum."""
    import soundfile

    try:
        data = path.read_bytes()
        # Read once: the checksum and the samples come from the same bytes.
        with soundfile.SoundFile(io.BytesIO(data)) as file:
            container, subtype, rate = file.format, file.subtype, file.samplerate
            samples = file.read(dtype="float32", always_2d=True)
    except (OSError, RuntimeError, TypeError) as error:
        raise ScuffError(f"cannot read {path} as audio: {error}") from error
    return AudioInput(np.ascontiguousarray(samples.T), float(rate), container, subtype,
                      hashlib.sha256(data).hexdigest())


def write_audio(target: Path, samples: np.ndarray, sample_rate: float, *, like: AudioInput | None,
                subtype: str | None) -> str:
    """Writes `samples` to `target` (its folders made) in the container its suffix names, in
    `subtype`, else the input's sample format when the container takes it, else 32-bit float
    when it takes that; returns the file's SHA-256."""
    import soundfile

    container = soundfile._get_format_from_filename(str(target), "w") if target.suffix else None
    if container is None:
        container = like.container if like is not None and like.container else "WAV"
    if subtype is None:
        for candidate in (like.subtype if like is not None else None, "FLOAT"):
            if candidate and soundfile.check_format(container, candidate):
                subtype = candidate
                break
    # Encoded in memory and written in one go: a file libsndfile writes itself it also syncs
    # to disk (fsync), one by one. A batch needs no such sync: after a power loss, a resumed
    # batch finds an output whose checksum is not its record's and renders it again.
    encoded = io.BytesIO()
    try:
        with soundfile.SoundFile(encoded, "w", int(sample_rate), samples.shape[0], subtype=subtype,
                                 format=container) as file:
            soundfile._snd.sf_command(file._file, SFC_SET_ADD_PEAK_CHUNK, soundfile._ffi.NULL, SF_FALSE)
            file.write(samples.T)
    except (RuntimeError, TypeError, ValueError) as error:
        raise ScuffError(f"cannot write {target}: {error}") from error
    data = encoded.getbuffer()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)
        with open(handle, "wb") as output:
            output.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
