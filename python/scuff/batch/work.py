"""A job as the backends hand it to a worker: with its chain resolved and its fingerprint; and
the records of jobs whose worker (scuff's own process, not a sandbox) died under them."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from .jobs import Job
from .manifest import JobRecord
from .resolve import ResolvedChain


@dataclass(frozen=True)
class Work:
    job: Job
    chain: ResolvedChain
    fingerprint: str

    def lost(self, errors: list[str]) -> JobRecord:
        """The record of a job whose worker died on every try: `errors`, a reason for each."""
        return JobRecord(key=self.job.key, status="failed", output=self.job.key, input=self.job.describe_input(),
                         chain=self.chain.describe(), params=dict(self.job.params), fingerprint=self.fingerprint,
                         attempts=len(errors), errors=list(errors), finished=time.time())


def after_lost_tries(record: JobRecord, errors: list[str]) -> JobRecord:
    """`record`, counting before its own the tries a dying worker cost the job (`errors`)."""
    if not errors:
        return record
    return dataclasses.replace(record, attempts=record.attempts + len(errors), errors=[*errors, *record.errors])
