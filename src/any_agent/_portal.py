"""Calling the async core from synchronous framework code.

Several frameworks call models and tools synchronously, from their own threads. The core is async
(one HTTP client per event loop, connection reuse), so sync calls are run on one long-lived
background event loop, inside a copy of the caller's context so the current run stays visible.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

__all__ = ["run_blocking", "run_sync"]

T = TypeVar("T")
P = ParamSpec("P")

# Framework runs block a thread for a whole run; their own pool keeps them from starving the event
# loop's default executor, where synchronous tools run (a shared pool deadlocks under load).
_FRAMEWORK_THREADS = ThreadPoolExecutor(max_workers=512, thread_name_prefix="any-agent-framework")

_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop, _thread
    with _lock:
        if _loop is None or _thread is None or not _thread.is_alive():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="any-agent-portal", daemon=True)
            thread.start()
            _loop, _thread = loop, thread
        return _loop


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion from synchronous code and return its result.

    Works from any thread, including one whose own event loop is running (the caller blocks, as a
    synchronous call does). Must not be called from a coroutine already on the background loop.
    """
    loop = _background_loop()
    if threading.current_thread() is _thread:
        coroutine.close()
        raise RuntimeError("run_sync called from the any-agent background loop; await the coroutine instead")
    context = contextvars.copy_context()
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def start() -> None:
        task = loop.create_task(coroutine, context=context)

        def done(finished: asyncio.Task[T]) -> None:
            if finished.cancelled():
                future.cancel()
            elif (error := finished.exception()) is not None:
                future.set_exception(error)
            else:
                future.set_result(finished.result())

        task.add_done_callback(done)

    loop.call_soon_threadsafe(start)
    return future.result()


async def run_blocking(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking framework call (a whole synchronous run) off the event loop.

    It runs on a pool of its own, in a copy of the caller's context, so the current run stays
    visible and synchronous tools called from inside it still find free threads.
    """
    context = contextvars.copy_context()
    future = _FRAMEWORK_THREADS.submit(functools.partial(context.run, func, *args, **kwargs))
    return await asyncio.wrap_future(future)
