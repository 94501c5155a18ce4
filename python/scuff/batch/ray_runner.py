"""The Ray backend: N Ray actors, each owning a `Renderer` (a scuff client and its sandboxes)
on its node, and the jobs as their tasks. Outputs are written by the actor, on its node: on a
cluster, outputs go to storage every node shares."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ScuffError
from .manifest import JobRecord
from .renderer import Renderer, Timeouts
from .work import Work

# Tasks queued per actor: the next job is there when one ends.
QUEUED_PER_ACTOR = 2


class RayWorker:
    """A Ray actor's body: one renderer for the actor's life."""

    def __init__(self, timeouts: Timeouts) -> None:
        self._renderer = Renderer(timeouts, worker=f"ray:{socket.gethostname()}:{os.getpid()}")

    def run(self, work: Work) -> JobRecord:
        return self._renderer.run(work.job, work.chain, work.fingerprint)

    def close(self) -> None:
        self._renderer.close()


def run_ray(work: Sequence[Work], workers: int, timeouts: Timeouts, on_record: Callable[[JobRecord], None],
            address: str | None) -> None:
    """Renders every item on `workers` actors of the Ray cluster this process is connected to,
    or, when it is not, of the one `ray.init(address=address)` joins (None: a new local one,
    "auto": the one running on this machine, "ray://HOST:10001": a remote one), shut down again
    at the end."""
    try:
        import ray
    except ImportError:
        raise ScuffError("the Ray backend needs Ray: pip install scuff[ray]") from None
    started = not ray.is_initialized()
    if started:
        ray.init(address=address)
    actor_class: Any = ray.remote(num_cpus=1)(RayWorker)
    actors = [actor_class.remote(timeouts) for _ in range(min(workers, len(work)))]
    pending: dict[Any, tuple[Any, Work]] = {}
    queued = list(reversed(work))

    def submit(actor: Any) -> None:
        if queued:
            item = queued.pop()
            pending[actor.run.remote(item)] = (actor, item)

    try:
        for actor in actors:
            for _ in range(QUEUED_PER_ACTOR):
                submit(actor)
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            actor, item = pending.pop(ready[0])
            try:
                on_record(ray.get(ready[0]))
            except ray.exceptions.RayActorError as error:
                # The actor's process died (scuff's own, not a sandbox): the job is recorded, the
                # actor replaced, and its queued jobs go to the new one.
                on_record(_lost(item, f"the Ray actor died: {error}"))
                replacement = actor_class.remote(timeouts)
                for ref, (owner, lost) in list(pending.items()):
                    if owner is actor:
                        del pending[ref]
                        queued.append(lost)
                actors[actors.index(actor)] = actor = replacement
                for _ in range(QUEUED_PER_ACTOR - 1):
                    submit(actor)
            submit(actor)
        ray.get([actor.close.remote() for actor in actors])
    finally:
        for actor in actors:
            ray.kill(actor)
        if started:
            ray.shutdown()


def _lost(item: Work, reason: str) -> JobRecord:
    return JobRecord(key=item.job.key, status="failed", output=item.job.key, input=item.job.describe_input(),
                     chain=item.chain.describe(), params=dict(item.job.params), fingerprint=item.fingerprint,
                     attempts=1, errors=[reason])
