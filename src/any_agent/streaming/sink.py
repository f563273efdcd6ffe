"""`EventSink`: where a streamed run's boundaries put their events, from any thread or event loop.

The sink lives on the loop of whoever reads the stream. Frameworks call the model and tools from
that loop, from the background loop (`any_agent._portal`) or from their worker threads through it,
so `emit` hands the event over to the reader's loop and waits there for room in a bounded queue:
a slow reader slows the run down instead of letting events pile up.

Once the reader stops (`close`), every `emit` raises `asyncio.CancelledError`: the model call
that was streaming closes its provider stream, the tool that was about to start does not, and a
framework running in a thread of its own gets the cancellation at its next model or tool call. A
tool call is handed over (`emit(..., handed_over=True)`): it starts only once the reader has taken
its event, so no tool starts after the reader is gone. A model call in progress is cancelled at
once (`cancels_on_close`), on whichever loop it runs: a provider that is slow to send its next chunk
does not keep the connection of an abandoned run open.

That call is cancelled exactly once, however often the sink is closed and whether or not it was
handing over an event: its cancellation closes the provider's stream, which takes a few turns of
its loop, and a second cancellation landing in the middle of them would leave the connection open.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["EventSink", "RunCancelled"]

QUEUE_SIZE = 64
"""Events the run may be ahead of its reader (text deltas, mostly)."""


class RunCancelled(asyncio.CancelledError):
    """Raised into a streamed run whose reader stopped (broke out of the loop or was cancelled)."""


class EventSink:
    """A bounded hand-over of events from a run to the one reader of its stream."""

    def __init__(self, size: int = QUEUE_SIZE) -> None:
        """Create it on the reader's loop (it is the loop the events are handed to)."""
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[tuple[Any, asyncio.Future[None] | None]] = asyncio.Queue(size)
        self._closed = False
        self._waiting: set[asyncio.Future[None]] = set()
        self._crossing: dict[concurrent.futures.Future[None], asyncio.Task[Any] | None] = {}
        """Each event on its way from another loop, with the task that sent it."""
        self._in_progress: dict[asyncio.Task[Any], asyncio.AbstractEventLoop] = {}
        """Each call inside `cancels_on_close`, with its loop."""
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        """True once the reader stopped."""
        return self._closed

    def check(self) -> None:
        """Raise `RunCancelled` if the reader stopped (before starting work it would not see)."""
        if self._closed:
            raise RunCancelled("the stream's reader stopped")

    @contextmanager
    def cancels_on_close(self) -> Iterator[None]:
        """Inside the block, the current task is cancelled as soon as the reader stops."""
        task = asyncio.current_task()
        if task is None:  # not in a task: nothing to cancel, `emit` still stops the call
            yield
            return
        with self._lock:
            if self._closed:
                raise RunCancelled("the stream's reader stopped")
            self._in_progress[task] = asyncio.get_running_loop()
        try:
            yield
        finally:
            with self._lock:
                self._in_progress.pop(task, None)

    async def emit(self, event: Any, *, handed_over: bool = False) -> None:
        """Queue ``event`` for the reader; with ``handed_over``, return only once the reader took it."""
        self.check()
        if _running_loop() is self._loop:
            await self._deliver(event, handed_over)
            return
        task = asyncio.current_task()
        crossing = asyncio.run_coroutine_threadsafe(self._deliver(event, handed_over), self._loop)
        with self._lock:
            if self._closed and task not in self._in_progress:  # (a call in progress gets its own cancellation)
                crossing.cancel()
            self._crossing[crossing] = task
        try:
            await asyncio.wrap_future(crossing)
        except concurrent.futures.CancelledError:
            raise RunCancelled("the stream's reader stopped") from None
        finally:
            with self._lock:
                del self._crossing[crossing]

    async def _deliver(self, event: Any, handed_over: bool) -> None:
        self.check()
        taken = self._loop.create_future() if handed_over else None
        if taken is not None:
            self._waiting.add(taken)
        try:
            await self._queue.put((event, taken))
            if taken is not None:
                await taken
        finally:
            if taken is not None:
                self._waiting.discard(taken)
        self.check()

    async def next(self) -> Any:
        """The next event (on the reader's loop)."""
        event, taken = await self._queue.get()
        if taken is not None and not taken.done():
            taken.set_result(None)
        return event

    def close(self) -> None:
        """The reader stopped: fail every pending and future `emit` (on the reader's loop).

        Each call in progress is cancelled by the first close only, and only through its task (the
        task's cancellation cancels the event it was handing over): see the module's docstring.
        """
        with self._lock:
            first, self._closed = not self._closed, True
            in_progress = list(self._in_progress.items()) if first else []
            crossing = [future for future, task in self._crossing.items() if task not in self._in_progress]
        for future in crossing:
            future.cancel()
        for task, loop in in_progress:
            if loop is self._loop:
                task.cancel()
            elif not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)
        for taken in list(self._waiting):
            taken.cancel()
        while not self._queue.empty():  # frees the producers waiting for room; they then see `closed`
            self._queue.get_nowait()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
