"""`scuff.batch`: rendering many files through plugins, in parallel sandboxes on this machine or
as Ray tasks on a cluster, surviving plugins that crash or hang (see docs/batch.md)."""

from .chain import Chain, Plugin
from .folder import jobs_from_folder
from .jobs import Job
from .manifest import JobRecord, Manifest
from .params import Draw, grid, parse_key, random_params
from .run import render_many

__all__ = ["Chain", "Draw", "Job", "JobRecord", "Manifest", "Plugin", "grid", "jobs_from_folder", "parse_key",
           "random_params", "render_many"]
