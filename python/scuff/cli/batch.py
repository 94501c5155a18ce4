"""`scuff batch`: every audio file of a folder through a chain of plugins (or a session), into
another folder, N jobs at a time, on this machine or a Ray cluster; prints what failed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..batch import jobs_from_folder, render_many
from ..batch.chain import Plugin
from ..batch.params import parse_key
from ..batch.run import MANIFEST_NAME
from ..errors import ScuffError
from .commands import Commands


def run_batch(in_dir: Path, out_dir: Path, plugins: list[str], params: list[str], *, session: Path | None,
              jobs: int, ray: str | None, resume: bool, block_size: int) -> int:
    values: dict[str, float | str] = {}
    for text in params:
        key, mark, value = text.partition("=")
        if not mark:
            raise ScuffError(f"--param takes INDEX:NAME=VALUE (INDEX counts the --plugin options from 0), not {text!r}")
        parse_key(key)
        values[key.strip()] = value.strip()
    if bool(plugins) == (session is not None):
        raise ScuffError("give the chain as --plugin options or as --session, one of the two")
    batch = jobs_from_folder(in_dir, out_dir, plugins=[Plugin(p) for p in plugins], session=session,
                             params=values, block_size=block_size)
    if not batch:
        raise ScuffError(f"no audio files in {in_dir}")
    manifest = render_many(batch, workers=jobs, backend="ray" if ray else "local", resume=resume,
                           manifest=out_dir / MANIFEST_NAME, ray_address=None if ray in (None, "local") else ray)
    for record in manifest.failed:
        print(f"failed: {record.input.get('file', record.key)}: {record.error}", file=sys.stderr)
    print(f"{len(manifest.rendered) - len(manifest.failed)} rendered, {len(manifest.skipped)} already done, "
          f"{len(manifest.failed)} failed; manifest: {manifest.path}")
    return 1 if manifest.failed else 0


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "batch", help="render every audio file of a folder through a chain of plugins",
        description="Renders each audio file under IN_DIR through the plugins in order (output 0 to input 0, "
                    "all in one sandbox) or through a session, into the same relative path under OUT_DIR, "
                    "in the same format. A job whose plugin crashes or hangs is tried once more in a fresh "
                    "sandbox, then reported as failed; the others go on. The manifest (OUT_DIR/"
                    "scuff-manifest.jsonl) records every job. Exits with 1 when a job failed.")
    parser.add_argument("in_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--plugin", action="append", default=[], metavar="PLUGIN",
                        help="a plugin file, id or name (FILE#ID: one plugin of a file that holds several); "
                             "repeat for a chain")
    parser.add_argument("--param", action="append", default=[], metavar="INDEX:NAME=VALUE",
                        help="set parameter NAME (or id) of plugin INDEX (from 0) to VALUE (a number, or text "
                             "the plugin reads, like '-12 dB') for every file")
    parser.add_argument("--session", type=Path, help="a session file (scuff.Group.save_session) as the chain")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="jobs rendered at once (default 1)")
    parser.add_argument("--ray", metavar="ADDRESS",
                        help="run the jobs on a Ray cluster: 'auto' (the one running here), ray://HOST:PORT, "
                             "or 'local' (a new one on this machine)")
    parser.add_argument("--resume", action="store_true", help="skip the files the manifest records as done")
    parser.add_argument("--block-size", type=int, default=512)
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_batch(args.in_dir, args.out_dir, args.plugin, args.param, session=args.session, jobs=args.jobs,
                     ray=args.ray, resume=args.resume, block_size=args.block_size)
