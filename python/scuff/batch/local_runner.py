"""The local backend: N worker threads, each with a client of its own and so its own sandboxes.
Rendering runs in native code without the GIL and the plugins in their sandboxes' processes, so
threads are enough to keep N sandboxes busy."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence

from .manifest import JobRecord
from .renderer import Renderer, Timeouts
from .work import Work


def run_local(work: Sequence[Work], workers: int, timeouts: Timeouts, on_record: Callable[[JobRecord], None]) -> None:
    """Renders every item, calling `on_record` on this thread as each finishes. Interrupted, the
    workers finish the job they are on and stop."""
    todo: queue.SimpleQueue[Work] = queue.SimpleQueue()
    for item in work:
        todo.put(item)
    finished: queue.SimpleQueue[JobRecord | BaseException] = queue.SimpleQueue()
    stop = threading.Event()

    def worker(number: int) -> None:
        try:
            with Renderer(timeouts, worker=f"local-{number}") as renderer:
                while not stop.is_set():
                    try:
                        item = todo.get_nowait()
                    except queue.Empty:
                        return
                    finished.put(renderer.run(item))
        except BaseException as error:
            finished.put(error)

    threads = [threading.Thread(target=worker, args=(n,), name=f"scuff-batch-{n}", daemon=True)
               for n in range(min(workers, len(work)))]
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
