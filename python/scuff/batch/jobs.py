"""A job: what to render (an audio file, an array, or nothing for an instrument playing a MIDI
file), through which chain, with which parameter values, into which file."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ScuffError
from .chain import Chain, ParamValue
from .params import Draw, parse_key

# How long an instrument plays past the end of its MIDI file, when the job gives no length.
MIDI_TAIL_SECONDS = 1.0


@dataclass(frozen=True, eq=False)
class Job:
    """One render through `chain` (a `Chain`, or a list of plugin references for `Chain.of`).
    `input` is an audio file (read at its own sample rate), a float32 array shaped
    (channels, frames) at `sample_rate`, or None: an instrument, played from the `midi` file for
    `seconds` (by default the file's length and one second). `params` are this job's values (keys
    `INDEX:NAME`, see `scuff.batch.parse_key`), set after the chain's own; `draw` says which random
    draw they came from. The output is written in `subtype` (by default the input file's sample
    format, or 32-bit float), in the container its suffix names."""

    output: Path
    chain: Chain
    input: Path | np.ndarray | None = None
    midi: Path | None = None
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    draw: Draw | None = None
    sample_rate: float | None = None
    seconds: float | None = None
    block_size: int = 512
    subtype: str | None = None

    def __post_init__(self) -> None:
        # A list of plugin references, and paths given as strings, work too.
        if isinstance(self.chain, (list, tuple)):
            object.__setattr__(self, "chain", Chain.of(self.chain))
        elif not isinstance(self.chain, Chain):
            raise ScuffError(f"job {self.output}: a chain is a scuff.batch.Chain or a list of plugins, "
                             f"not {type(self.chain).__name__}")
        object.__setattr__(self, "output", Path(self.output))
        for name in ("input", "midi"):
            value = getattr(self, name)
            if isinstance(value, (str, os.PathLike)):
                object.__setattr__(self, name, Path(value))
        if isinstance(self.input, np.ndarray) and self.sample_rate is None:
            raise ScuffError(f"job {self.output}: an array input needs its sample_rate")
        if self.input is None and self.midi is None and self.seconds is None:
            raise ScuffError(f"job {self.output}: without an input it needs a MIDI file or its length in seconds")
        for key in self.params:
            parse_key(key)

    @property
    def key(self) -> str:
        """What names the job in the manifest: its output file."""
        return os.path.abspath(self.output)

    def describe_input(self) -> dict[str, object]:
        """The input as the manifest records it; an array by its shape and checksum."""
        if isinstance(self.input, np.ndarray):
            return {"array": list(self.input.shape), "sha256": array_digest(self.input),
                    "sample_rate": self.sample_rate}
        described: dict[str, object] = {}
        if self.input is not None:
            described["file"] = os.path.abspath(self.input)
        if self.midi is not None:
            described["midi"] = os.path.abspath(self.midi)
        if self.seconds is not None:
            described["seconds"] = self.seconds
        if self.sample_rate is not None:
            described["sample_rate"] = self.sample_rate
        return described

    def fingerprint(self, chain: Mapping[str, object]) -> str:
        """Changes when anything that makes the output changes: the input (a file by its size and
        time), the chain, the parameters, the block size and format. A resumed batch skips a job
        only when its fingerprint is the one recorded."""
        stamps = {}
        for path in (self.input, self.midi):
            if isinstance(path, (str, os.PathLike)):
                try:
                    status = os.stat(path)
                except OSError:
                    continue
                stamps[os.path.abspath(path)] = [status.st_size, status.st_mtime_ns]
        document = {"input": self.describe_input(), "stamps": stamps, "chain": chain,
                    "params": dict(self.params), "block_size": self.block_size, "subtype": self.subtype}
        return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def array_digest(array: np.ndarray) -> str:
    data = np.ascontiguousarray(array, dtype=np.float32)
    return hashlib.sha256(str(data.shape).encode() + data.tobytes()).hexdigest()
