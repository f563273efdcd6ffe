"""Calling the async core from synchronous code, and synchronous code from the async core.

Several frameworks call models and tools synchronously, from their own threads. The core is async
(one HTTP client per event loop, connection reuse), so sync calls are run on one long-lived
background event loop, inside a copy of the caller's context so the current run stays visible.

The other way round, blocking work (a synchronous tool, a framework's whole synchronous run) runs
on a daemon thread of its own: an idle one that finished earlier work, or a new one. Python cannot
kill a thread: when the run is cancelled (a timeout, Ctrl-C) the coroutine stops waiting at once and
the thread is *abandoned*, left to finish on its own (it takes no other work until then). Daemon
threads are never joined at interpreter exit, so an abandoned tool that sleeps for a minute does not
keep the process alive for that minute.

Threads are reused because starting one costs more than most tools do (about 0.3 ms against 0.1 ms
for a hand-over to an idle thread, measured on 2 loaded cores): a sync tool call must not cost more
than it does when the framework runs it natively on `asyncio.to_thread`'s pool. Unlike that pool,
there is no fixed size to exhaust with abandoned threads, and an idle thread ends after
`_IDLE_SECONDS`, so nothing idles long after a burst of runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import os
import queue
import threading
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

__all__ = ["CANCEL_GRACE_SECONDS", "ThreadAbandoned", "in_thread", "run_blocking", "run_sync"]

T = TypeVar("T")
P = ParamSpec("P")

CANCEL_GRACE_SECONDS = 5.0
"""How long Ctrl-C in `run_sync` waits for the cancelled run to stop before raising anyway."""

# At most this many blocking calls run at once; more wait for a slot.
_MAX_THREADS = 512
_slots = threading.BoundedSemaphore(_MAX_THREADS)

_IDLE_SECONDS = 10.0
"""How long a thread that finished its work waits for more before it ends."""


_Job = Callable[[], Callable[[], None]]


class _Workers:
    """Daemon threads for blocking calls: idle ones take new work, a new one starts when none is idle.

    ``idle`` counts the threads waiting on ``jobs``, changed only under ``lock``: a job is queued only
    for a thread counted idle, and a thread that stops waiting (after `_IDLE_SECONDS`) looks at the
    queue once more under the lock, so no job is left behind with nobody to run it. A job returns
    what hands its result over, called once its thread counts as idle again, so the caller's next
    call finds it free.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.idle = 0

    def submit(self, job: _Job) -> None:
        with self.lock:
            if self.idle:
                self.idle -= 1
                self.jobs.put(job)
                return
        # Handed over in a list the thread empties: a Thread keeps its ``args`` until it ends.
        threading.Thread(target=self._work, args=([job],), name="any-agent-worker", daemon=True).start()

    def _work(self, first: list[_Job]) -> None:
        job = first.pop()
        while True:
            hand_over = job()
            with self.lock:
                self.idle += 1
            hand_over()
            del job, hand_over  # an idle thread keeps nothing of its last call (arguments, context, result)
            try:
                job = self.jobs.get(timeout=_IDLE_SECONDS)
            except queue.Empty:
                with self.lock:
                    try:
                        job = self.jobs.get_nowait()  # queued for this thread just as it stopped waiting
                    except queue.Empty:
                        self.idle -= 1
                        return


_workers = _Workers()


def _after_fork() -> None:
    # A forked child has none of the parent's threads: its idle count must not promise any, and
    # the slots the parent's running calls held are nobody's in the child.
    global _workers, _slots
    _workers = _Workers()
    _slots = threading.BoundedSemaphore(_MAX_THREADS)


os.register_at_fork(after_in_child=_after_fork)

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
    """Run blocking ``func`` on a daemon thread (idle or new), in a copy of the caller's context.

    Cancelling the awaiting coroutine returns at once and abandons the thread (see the module's
    docstring), raising `ThreadAbandoned` (a cancellation) when the thread was still running.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    slots = _slots
    if not slots.acquire(blocking=False):
        await _wait_for_a_slot(slots)

    def settle(ok: bool, value: Any) -> None:
        if future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    finished = threading.Event()

    def work() -> Callable[[], None]:
        try:
            result: tuple[bool, Any] = (True, call())
        except BaseException as error:  # a SystemExit in a tool is the tool's failure, not the thread's
            result = (False, error)
        finally:
            finished.set()
            slots.release()

        def hand_over() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed while the thread ran: nobody waits any more
                loop.call_soon_threadsafe(settle, *result)

        return hand_over

    try:
        _workers.submit(work)
    except BaseException:  # no thread could start: the slot is not taken
        slots.release()
        raise
    try:
        return await future
    except asyncio.CancelledError as cancelled:
        if not finished.is_set():
            raise ThreadAbandoned() from cancelled
        raise


async def _wait_for_a_slot(slots: threading.BoundedSemaphore) -> None:
    """Wait for a free slot off the loop; a caller cancelled meanwhile gives back the slot it would get."""
    waiting = asyncio.ensure_future(asyncio.to_thread(slots.acquire))
    try:
        await asyncio.shield(waiting)
    except BaseException:

        def give_back(acquired: asyncio.Future[bool]) -> None:
            if not acquired.cancelled() and acquired.exception() is None:
                slots.release()

        waiting.add_done_callback(give_back)
        raise


class ThreadAbandoned(asyncio.CancelledError):
    """An `in_thread` call was cancelled while its thread still ran; the thread finishes on its own."""


async def run_blocking(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking framework call (a whole synchronous run) off the event loop.

    It runs on a thread of its own (see `in_thread`), in a copy of the caller's context, so the
    current run stays visible and synchronous tools called from inside it still find free threads.
    """
    return await in_thread(func, *args, **kwargs)
