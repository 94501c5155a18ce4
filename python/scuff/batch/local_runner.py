"""The local backend. One worker renders on a thread of this program; N workers are N worker
processes, forked from scuff's fork server, each with a client of its own and so its own
sandboxes: a job's Python work (reading, setting up devices, writing) then runs on N cores
rather than under one interpreter lock."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence

from .manifest import JobRecord
from .renderer import ATTEMPTS, Renderer, Timeouts
from .work import Work, after_lost_tries
from .worker_processes import WorkerLost, WorkerProcess


def run_local(work: Sequence[Work], workers: int, timeouts: Timeouts, on_record: Callable[[JobRecord], None]) -> None:
    """Renders every item, calling `on_record` on this thread as each finishes. Interrupted, the
    workers finish the job they are on and stop."""
    todo: queue.SimpleQueue[Work] = queue.SimpleQueue()
    for item in work:
        todo.put(item)
    finished: queue.SimpleQueue[JobRecord | BaseException] = queue.SimpleQueue()
    stop = threading.Event()
    count = min(workers, len(work))
    drive = _in_this_process if count == 1 else _in_a_worker_process

    def worker(number: int) -> None:
        try:
            drive(f"local-{number}", timeouts, todo, finished, stop)
        except BaseException as error:
            finished.put(error)

    threads = [threading.Thread(target=worker, args=(n,), name=f"scuff-batch-{n}", daemon=True)
               for n in range(count)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(len(work)):
            result = finished.get()
            if isinstance(result, BaseException):
                raise result
            on_record(result)
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _jobs(todo: queue.SimpleQueue[Work], stop: threading.Event) -> Iterator[Work]:
    while not stop.is_set():
        try:
            yield todo.get_nowait()
        except queue.Empty:
            return


def _in_this_process(name: str, timeouts: Timeouts, todo: queue.SimpleQueue[Work],
                     finished: queue.SimpleQueue[JobRecord | BaseException], stop: threading.Event) -> None:
    with Renderer(timeouts, worker=name) as renderer:
        for item in _jobs(todo, stop):
            finished.put(renderer.run(item))


def _in_a_worker_process(name: str, timeouts: Timeouts, todo: queue.SimpleQueue[Work],
                         finished: queue.SimpleQueue[JobRecord | BaseException], stop: threading.Event) -> None:
    """Feeds one worker process. A worker that dies (the process, not a sandbox of its) costs
    its job one try, as a crashed sandbox does; a new worker takes the job, and its queue."""
    process: WorkerProcess | None = None
    try:
        for item in _jobs(todo, stop):
            errors: list[str] = []
            record: JobRecord | None = None
            while record is None:
                if process is None:
                    process = WorkerProcess(name, timeouts)
                try:
                    record = after_lost_tries(process.run(item), errors)
                except WorkerLost as lost:
                    process.close()
                    process = None
                    errors.append(str(lost))
                    if len(errors) == ATTEMPTS:
                        record = item.lost(errors)
            finished.put(record)
    finally:
        if process is not None:
            process.close()
