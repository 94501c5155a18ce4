"""A job as the backends hand it to a worker: with its chain resolved and its fingerprint."""

from __future__ import annotations

from dataclasses import dataclass

from .jobs import Job
from .resolve import ResolvedChain


@dataclass(frozen=True)
class Work:
    job: Job
    chain: ResolvedChain
    fingerprint: str
