"""The manifest of a batch: one JSON line per finished job (what went in, the chain with its
plugins' versions, the parameters, the output's checksum, the time it took, and why it failed),
written as the batch goes so that a batch stopped half way can resume."""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from ..errors import ScuffError

FORMAT = "scuff-batch-manifest"
VERSION = 1

Status = Literal["done", "failed"]


@dataclass(frozen=True)
class JobRecord:
    """What became of one job. `output_sha256` is the output file's checksum, `samples_sha256`
    that of the samples rendered (float32, before the file's sample format), which any two
    renders of the job share, whatever the container does. `errors` holds one reason per failed attempt (a job whose
    sandbox crashed or hung is tried once more in a fresh one); `seconds` is the wall time of
    every attempt; `worker` the machine and process that ran it."""

    key: str
    status: Status
    output: str
    input: dict[str, Any]
    chain: dict[str, Any]
    params: dict[str, Any]
    fingerprint: str
    draw: list[int] | None = None
    input_sha256: str | None = None
    output_sha256: str | None = None
    samples_sha256: str | None = None
    seconds: float = 0.0
    attempts: int = 0
    errors: list[str] = field(default_factory=list)
    worker: str = ""
    finished: float = 0.0

    @property
    def error(self) -> str | None:
        """Why the job failed (its last attempt's reason), or None."""
        return self.errors[-1] if self.status == "failed" and self.errors else None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @staticmethod
    def from_json(document: dict[str, Any]) -> JobRecord:
        fields = set(JobRecord.__dataclass_fields__)
        return JobRecord(**{k: v for k, v in document.items() if k in fields})


class Manifest:
    """The records of a batch's jobs, by job (its output file), in the jobs' order. `skipped`
    are the jobs a resumed run found done already and did not render again."""

    def __init__(self, path: Path, records: dict[str, JobRecord], skipped: list[str]) -> None:
        self.path = path
        self.records = records
        self.skipped = skipped

    def __repr__(self) -> str:
        return (f"<scuff.batch.Manifest {len(self.done)} done, {len(self.failed)} failed, "
                f"{len(self.skipped)} skipped: {self.path}>")

    @property
    def done(self) -> list[JobRecord]:
        return [r for r in self.records.values() if r.status == "done"]

    @property
    def failed(self) -> list[JobRecord]:
        return [r for r in self.records.values() if r.status == "failed"]

    @property
    def rendered(self) -> list[JobRecord]:
        """The records of the jobs this run tried (done or failed), not those it skipped."""
        skipped = set(self.skipped)
        return [r for k, r in self.records.items() if k not in skipped]


def read_records(path: Path) -> dict[str, JobRecord]:
    """Every job's last record in a manifest file; nothing when there is no file. A last line
    cut short (the batch was killed while writing it) is ignored."""
    if not path.exists():
        return {}
    records: dict[str, JobRecord] = {}
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    if not lines:
        return {}
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ScuffError(f"{path} is not a scuff batch manifest")
    if header.get("version", 0) > VERSION:
        raise ScuffError(f"{path} is a version {header['version']} manifest; this scuff reads version {VERSION}")
    for number, line in enumerate(lines[1:], start=2):
        try:
            record = JobRecord.from_json(json.loads(line))
        except (json.JSONDecodeError, TypeError) as error:
            if number == len(lines):
                break
            raise ScuffError(f"{path}, line {number}: not a job record ({error})") from error
        records[record.key] = record
    return records


class ManifestWriter:
    """Writes a manifest: the header and the records carried over, into a new file renamed
    over the old one, then each record as its job finishes."""

    def __init__(self, path: Path, carried: list[JobRecord], scuff_version: str) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            header = {"format": FORMAT, "version": VERSION, "scuff_version": scuff_version, "started": time.time()}
            file.write(json.dumps(header) + "\n")
            for record in carried:
                file.write(record.to_json() + "\n")
        os.replace(temporary, path)
        self._file: TextIO = open(path, "a", encoding="utf-8")

    def add(self, record: JobRecord) -> None:
        self._file.write(record.to_json() + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()
