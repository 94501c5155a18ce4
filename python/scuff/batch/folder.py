"""`jobs_from_folder`: one job per audio file of a folder (and its subfolders), written under
another folder with the same relative name, so in the same container."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import ScuffError
from .chain import Chain, ParamValue, Plugin
from .jobs import Job
from .params import Draw


def audio_suffixes() -> set[str]:
    """The suffixes of the containers soundfile reads (.wav, .flac, .ogg, .aiff, ...)."""
    import soundfile

    suffixes = {f".{name.lower()}" for name in soundfile.available_formats()}
    return suffixes | {".aif", ".oga", ".opus"}


def jobs_from_folder(in_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], *,
                     plugins: Sequence[Plugin | str | os.PathLike[str]] = (),
                     session: str | os.PathLike[str] | None = None,
                     params: Mapping[str, ParamValue] | Sequence[Mapping[str, ParamValue] | Draw] | None = None,
                     block_size: int = 512) -> list[Job]:
    """One job per audio file under `in_dir`, in sorted order, through the chain of `plugins`
    (or the `session` file), written to the same relative path under `out_dir`. `params` are
    parameter values (keys `INDEX:NAME`) for every job, or a sequence with one entry per file
    (dicts from `grid`, draws from `random_params`), used in the files' sorted order."""
    source = Path(in_dir).expanduser()
    if not source.is_dir():
        raise ScuffError(f"no such folder: {source}")
    target = Path(out_dir).expanduser()
    if target.resolve() == source.resolve():
        raise ScuffError(f"the output folder is the input folder ({source}): outputs would replace inputs")
    suffixes = audio_suffixes()
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
                   and not p.is_relative_to(target.resolve()))
    chain = Chain.of(plugins, session=session)
    per_file: Sequence[Mapping[str, ParamValue] | Draw]
    if params is None or isinstance(params, Mapping):
        per_file = [dict(params or {})] * len(files)
    else:
        per_file = params
        if len(per_file) != len(files):
            raise ScuffError(f"{len(per_file)} parameter sets for {len(files)} files in {source}")
    jobs = []
    for file, values in zip(files, per_file, strict=True):
        draw = values if isinstance(values, Draw) else None
        chosen = values.values if isinstance(values, Draw) else values
        jobs.append(Job(output=target / file.relative_to(source), chain=chain, input=file,
                        params=dict(chosen), draw=draw, block_size=block_size))
    return jobs
