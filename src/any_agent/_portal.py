"""Calling the async core from synchronous code, and synchronous code from the async core.

Several frameworks call models and tools synchronously, from their own threads. The core is async
(one HTTP client per event loop, connection reuse), so sync calls are run on one long-lived
background event loop, inside a copy of the caller's context so the current run stays visible.

The other way round, blocking work (a synchronous tool, a framework's whole synchronous run) runs
on a daemon thread of its own that ends with the work. Python cannot kill a thread: when the run is
cancelled (a timeout, Ctrl-C) the coroutine stops waiting at once and the thread is *abandoned*,
left to finish on its own. Daemon threads are never joined at interpreter exit, so an abandoned
tool that sleeps for a minute does not keep the process alive for that minute.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import threading
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

__all__ = ["CANCEL_GRACE_SECONDS", "ThreadAbandoned", "in_thread", "run_blocking", "run_sync"]

T = TypeVar("T")
P = ParamSpec("P")

CANCEL_GRACE_SECONDS = 5.0
"""How long Ctrl-C in `run_sync` waits for the cancelled run to stop before raising anyway."""

# At most this many blocking calls run at once; more wait for a slot (a bound, not a pool: the
# threads end with their work, so nothing idles after a burst of runs).
_MAX_THREADS = 512
_slots = threading.BoundedSemaphore(_MAX_THREADS)

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


async def _contained(coroutine: Coroutine[Any, Any, T]) -> tuple[bool, Any]:
    """Run ``coroutine``, returning (ok, result or exception) instead of raising.

    A `SystemExit` or `KeyboardInterrupt` raised inside a task is re-raised by the event loop
    itself, which would end the background loop's thread and leave every caller waiting forever.
    Cancellation still propagates, so the task is marked cancelled.
    """
    try:
        return True, await coroutine
    except asyncio.CancelledError:
        raise
    except BaseException as error:
        return False, error


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion from synchronous code and return its result.

    Works from any thread, including one whose own event loop is running (the caller blocks, as a
    synchronous call does). Must not be called from a coroutine already on the background loop.

    `KeyboardInterrupt` while waiting (Ctrl-C in the main thread) cancels the coroutine's task, waits
    up to `CANCEL_GRACE_SECONDS` for it to stop, and re-raises; the exception the task ended with
    (its cancellation, possibly carrying a partial result) is the interrupt's ``__cause__``.
    """
    loop = _background_loop()
    if threading.current_thread() is _thread:
        coroutine.close()
        raise RuntimeError("run_sync called from the any-agent background loop; await the coroutine instead")
    context = contextvars.copy_context()
    future: concurrent.futures.Future[T] = concurrent.futures.Future()
    tasks: list[asyncio.Task[tuple[bool, Any]]] = []

    def start() -> None:
        if future.done():  # interrupted before the task existed
            coroutine.close()
            return
        task = loop.create_task(_contained(coroutine), context=context)
        tasks.append(task)

        def done(finished: asyncio.Task[tuple[bool, Any]]) -> None:
            if future.done():
                return
            try:
                ok, value = finished.result()
            except BaseException as error:  # its cancellation, which may carry what the run recorded
                future.set_exception(error)
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        task.add_done_callback(done)

    def cancel() -> None:
        if tasks:
            tasks[0].cancel()
        elif not future.done():
            future.set_exception(asyncio.CancelledError())

    loop.call_soon_threadsafe(start)
    try:
        return future.result()
    except KeyboardInterrupt as interrupt:
        loop.call_soon_threadsafe(cancel)
        try:
            future.result(timeout=CANCEL_GRACE_SECONDS)
        except BaseException as ended:
            interrupt.__cause__ = ended
        raise


async def in_thread(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run blocking ``func`` on a daemon thread of its own, in a copy of the caller's context.

    Cancelling the awaiting coroutine returns at once and abandons the thread (see the module's
    docstring), raising `ThreadAbandoned` (a cancellation) when the thread was still running.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    if not _slots.acquire(blocking=False):
        await asyncio.to_thread(_slots.acquire)

    def settle(ok: bool, value: Any) -> None:
        if future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def work() -> None:
        try:
            result: tuple[bool, Any] = (True, call())
        except BaseException as error:  # a SystemExit in a tool is the tool's failure, not the thread's
            result = (False, error)
        finally:
            _slots.release()
        with contextlib.suppress(RuntimeError):  # the loop closed while the thread ran: nobody waits any more
            loop.call_soon_threadsafe(settle, *result)

    thread = threading.Thread(target=work, name=f"any-agent-{getattr(func, '__name__', 'call')}", daemon=True)
    thread.start()
    try:
        return await future
    except asyncio.CancelledError as cancelled:
        if thread.is_alive():
            raise ThreadAbandoned() from cancelled
        raise


class ThreadAbandoned(asyncio.CancelledError):
    """An `in_thread` call was cancelled while its thread still ran; the thread finishes on its own."""


async def run_blocking(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking framework call (a whole synchronous run) off the event loop.

    It runs on a thread of its own (see `in_thread`), in a copy of the caller's context, so the
    current run stays visible and synchronous tools called from inside it still find free threads.
    """
    return await in_thread(func, *args, **kwargs)
