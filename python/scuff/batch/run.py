"""`render_many`: a batch of jobs, on this machine's cores or a Ray cluster, with a progress bar,
a manifest, resumption and crash tolerance."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from ..errors import ScuffError
from ..host.client import Client
from .audio_files import file_digest
from .jobs import Job
from .local_runner import run_local
from .manifest import JobRecord, Manifest, ManifestWriter, read_records
from .ray_runner import run_ray
from .renderer import Timeouts
from .resolve import ChainResolver
from .work import Work

MANIFEST_NAME = "scuff-manifest.jsonl"


def render_many(jobs: Iterable[Job], *, workers: int = 1, backend: Literal["local", "ray"] = "local",
                resume: bool = False, manifest: str | os.PathLike[str] | None = None,
                progress: bool | None = None, ray_address: str | None = None,
                block_timeout: float = 2.0, load_timeout: float = 30.0) -> Manifest:
    """Renders every job, `workers` at a time, each worker in sandboxes of its own, and returns
    the manifest (also written, a line per job as it ends, to `manifest`: by default
    scuff-manifest.jsonl in the folder that holds every output).

    A job whose sandbox crashes, or hangs (a block not done within `block_timeout` seconds, a
    device not made within `load_timeout`), is tried once more in a fresh sandbox, then
    recorded as failed with the reasons; so is a job that cannot be read or set up (once). The
    batch goes on either way. With `resume`, a job the manifest records as done, with the same
    input, chain and parameters and its output unchanged, is skipped.

    `backend="local"` runs on this machine (one worker on this thread, more in worker processes
    forked from scuff's fork server); `"ray"` runs each job as a task of `workers` Ray
    actors, in the cluster this process joined with `ray.init`, else the one at `ray_address`
    (None starts a local one). Outputs are the same samples whatever the backend and `workers`.
    `progress` shows a bar on stderr (by default when it is a terminal)."""
    jobs = list(jobs)
    if workers < 1:
        raise ScuffError(f"workers must be 1 or more, not {workers}")
    if backend not in ("local", "ray"):
        raise ScuffError(f"backend is 'local' or 'ray', not {backend!r}")
    keys = [job.key for job in jobs]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise ScuffError(f"two jobs write the same output: {', '.join(twice[:3])}")
    path = Path(manifest) if manifest is not None else _default_manifest(jobs)
    with Client() as client:
        resolver = ChainResolver(client)
        work = []
        for job in jobs:
            chain = resolver.resolve(job.chain)
            work.append(Work(job, chain, job.fingerprint(chain.describe())))
    earlier = read_records(path) if resume else {}
    carried = [earlier[item.job.key] for item in work if _finished(earlier.get(item.job.key), item)]
    skipped = [record.key for record in carried]
    todo = [item for item in work if item.job.key not in set(skipped)]
    records = {record.key: record for record in carried}
    writer = ManifestWriter(path, carried, version("scuff"))
    bar = _progress_bar(len(work), len(carried), progress)

    def finished(record: JobRecord) -> None:
        records[record.key] = record
        writer.add(record)
        bar.update(1)
        if record.status == "failed":
            bar.set_postfix(failed=sum(r.status == "failed" for r in records.values()))

    timeouts = Timeouts(block=block_timeout, load=load_timeout)
    try:
        if backend == "ray":
            run_ray(todo, workers, timeouts, finished, ray_address)
        else:
            run_local(todo, workers, timeouts, finished)
    finally:
        writer.close()
        bar.close()
    return Manifest(path, {key: records[key] for key in keys if key in records}, skipped)


def _finished(record: JobRecord | None, item: Work) -> bool:
    """Whether an earlier record shows the job done as it is now asked, its output untouched since."""
    if record is None or record.status != "done" or record.fingerprint != item.fingerprint:
        return False
    try:
        return file_digest(item.job.output) == record.output_sha256
    except OSError:
        return False


def _default_manifest(jobs: list[Job]) -> Path:
    if not jobs:
        return Path.cwd() / MANIFEST_NAME
    return Path(os.path.commonpath([os.path.dirname(job.key) for job in jobs])) / MANIFEST_NAME


def _progress_bar(total: int, done: int, shown: bool | None) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, initial=done, unit="job", file=sys.stderr, dynamic_ncols=True,
                disable=not (sys.stderr.isatty() if shown is None else shown))
