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
from .renderer import ATTEMPTS, Renderer, Timeouts
from .work import Work, after_lost_tries

# Tasks queued per actor: the next job is there when one ends.
QUEUED_PER_ACTOR = 2


class RayWorker:
    """A Ray actor's body: one renderer for the actor's life."""

    def __init__(self, timeouts: Timeouts) -> None:
        self._renderer = Renderer(timeouts, worker=f"ray:{socket.gethostname()}:{os.getpid()}")

    def run(self, work: Work) -> JobRecord:
        return self._renderer.run(work)

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
    # In the order submitted: an actor runs its tasks in that order, so the first of a dead
    # actor's pending jobs is the one it was running.
    pending: dict[Any, tuple[Any, Work]] = {}
    queued = list(reversed(work))
    deaths: dict[str, list[str]] = {}

    def submit(actor: Any) -> None:
        if queued:
            item = queued.pop()
            pending[actor.run.remote(item)] = (actor, item)

    def deliver(item: Work, record: JobRecord) -> None:
        on_record(after_lost_tries(record, deaths.get(item.job.key, [])))

    def died(actor: Any, error: Exception) -> None:
        """The actor's process died (scuff's own, not a sandbox): the job it was running is tried
        once more, like a job whose sandbox crashed, on a new actor that takes the dead one's
        queue too. Which of its tasks reports the death first is Ray's affair: the one running
        is the first submitted that has no result."""
        mine = [(ref, item) for ref, (owner, item) in pending.items() if owner is actor]
        left = []
        for ref, item in mine:
            del pending[ref]
            try:
                record = ray.get(ref, timeout=0)
            except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError):
                left.append(item)
            else:
                deliver(item, record)  # it ended before the actor died
        running, waiting = left[0], left[1:]
        # `queued` is taken from its end: the running job first, then the rest in order.
        queued.extend(reversed(waiting))
        errors = deaths.setdefault(running.job.key, [])
        errors.append(f"the Ray actor died: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
        if len(errors) < ATTEMPTS:
            queued.append(running)
        else:
            on_record(running.lost(errors))
        actors[actors.index(actor)] = replacement = actor_class.remote(timeouts)
        for _ in range(QUEUED_PER_ACTOR):
            submit(replacement)

    try:
        for actor in actors:
            for _ in range(QUEUED_PER_ACTOR):
                submit(actor)
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            actor = pending[ready[0]][0]
            mine = [ref for ref, (owner, _) in pending.items() if owner is actor]
            finished, _ = ray.wait(mine, num_returns=len(mine), timeout=0)
            for ref in [r for r in mine if r in finished]:
                try:
                    record = ray.get(ref)
                except ray.exceptions.RayActorError as error:
                    died(actor, error)
                    break
                deliver(pending.pop(ref)[1], record)
                submit(actor)
        ray.get([actor.close.remote() for actor in actors])
    finally:
        for actor in actors:
            ray.kill(actor)
        if started:
            ray.shutdown()

