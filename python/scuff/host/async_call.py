"""Running a blocking call from asyncio: on a thread of its own, so that calls made side by
side run side by side and the event loop never waits. A cancelled call is not cut short
(a plugin cannot be interrupted while it loads): the awaiting task waits for it to end,
undoes what it made, and only then sees its cancellation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _in_thread(work: Callable[[], T]) -> asyncio.Future[T]:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result = work()
        except BaseException as error:  # handed to the awaiting task, which raises it
            outcome: tuple[T | None, BaseException | None] = (None, error)
        else:
            outcome = (result, None)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:
            pass  # the event loop is closed: nobody awaits the result any more

    threading.Thread(target=run, name="scuff-async", daemon=True).start()
    return future


async def run_blocking(work: Callable[[], T], undo: Callable[[T], object] | None = None) -> T:
    """The result of `work()`, run on a thread. When the awaiting task is cancelled, the
    call is waited for and, if it succeeded, `undo(result)` removes what it made, before
    the cancellation goes on."""
    future = _in_thread(work)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        try:
            result = await future
        except Exception:
            raise asyncio.CancelledError() from None
        if undo is not None:
            await _in_thread(lambda: undo(result))
        raise
