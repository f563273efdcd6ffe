"""Blocking work off the event loop (`_portal.in_thread`): threads are reused, abandoned ones are left alone."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

from any_agent import _portal


def test_a_thread_that_finished_takes_the_next_call() -> None:
    idle_before = {thread for thread in threading.enumerate() if thread.name == "any-agent-worker"}

    async def main() -> list[threading.Thread]:
        return [await _portal.in_thread(threading.current_thread) for _ in range(5)]

    threads = asyncio.run(main())
    assert threading.main_thread() not in threads
    assert all(thread.daemon for thread in threads)
    # Calls one after the other need one thread at most: an idle one (maybe left by earlier work) or one new.
    assert len(set(threads) - idle_before) <= 1


def test_an_abandoned_thread_takes_no_new_call_until_it_is_done() -> None:
    release, started = threading.Event(), threading.Event()
    abandoned: list[threading.Thread] = []

    def stuck() -> None:
        abandoned.append(threading.current_thread())
        started.set()
        release.wait(10)

    async def main() -> threading.Thread:
        task = asyncio.ensure_future(_portal.in_thread(stuck))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with pytest.raises(_portal.ThreadAbandoned):
            await task
        # The abandoned thread still blocks: the next call runs on another thread, at once.
        return await asyncio.wait_for(_portal.in_thread(threading.current_thread), 5)

    try:
        other = asyncio.run(main())
    finally:
        release.set()
    assert other is not abandoned[0]
    assert other.daemon


def test_calls_at_once_each_get_a_thread() -> None:
    barrier = threading.Barrier(4, timeout=10)

    def meet() -> int:
        return barrier.wait()  # only returns when four threads are inside at the same time

    async def main() -> list[int]:
        return await asyncio.gather(*(_portal.in_thread(meet) for _ in range(4)))

    assert sorted(asyncio.run(main())) == [0, 1, 2, 3]


def test_a_reused_thread_runs_each_call_in_its_callers_context(monkeypatch: pytest.MonkeyPatch) -> None:
    import contextvars

    monkeypatch.setattr(_portal, "_workers", _portal._Workers())  # one thread only, so the second call reuses it
    current: contextvars.ContextVar[str] = contextvars.ContextVar("current", default="none")

    def seen() -> tuple[int, str]:
        return threading.get_ident(), current.get()

    async def call(value: str) -> tuple[int, str]:
        current.set(value)
        return await _portal.in_thread(seen)

    async def main() -> list[tuple[int, str]]:
        return [await asyncio.create_task(call("X")), await asyncio.create_task(call("Y"))]

    (first_thread, first), (second_thread, second) = asyncio.run(main())
    assert first_thread == second_thread
    assert (first, second) == ("X", "Y")


def test_an_idle_thread_keeps_nothing_of_its_last_call(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import weakref

    monkeypatch.setattr(_portal, "_workers", _portal._Workers())  # a new thread, which then idles
    monkeypatch.setattr(_portal, "_IDLE_SECONDS", 60.0)  # and stays idle while the test looks

    class Payload:
        pass

    def one_call() -> list[weakref.ref[Payload]]:
        given, returned = Payload(), Payload()

        def work(_: Payload) -> Payload:
            return returned

        async def main() -> None:
            assert await _portal.in_thread(work, given) is returned

        asyncio.run(main())
        return [weakref.ref(given), weakref.ref(returned)]

    refs = one_call()
    for _ in range(200):  # the thread lets go right after handing the result over; bounded, never timed
        gc.collect()
        if all(ref() is None for ref in refs):
            break
        threading.Event().wait(0.01)
    assert [ref() for ref in refs] == [None, None]


def test_a_caller_cancelled_while_waiting_for_a_slot_gives_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    class Slots(threading.BoundedSemaphore):
        """A real semaphore of one slot that says when someone waits on it."""

        def __init__(self) -> None:
            super().__init__(1)
            self.waiting = threading.Event()

        def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
            if blocking and timeout is None:
                self.waiting.set()
            return super().acquire(blocking, timeout)

    slots = Slots()
    monkeypatch.setattr(_portal, "_slots", slots)

    async def main() -> bool:
        slots.acquire(blocking=False)  # every slot taken
        task = asyncio.ensure_future(_portal.in_thread(lambda: None))
        assert await asyncio.to_thread(slots.waiting.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        slots.release()  # the cancelled caller's waiter gets it (now or after us), and must give it back
        first = await asyncio.to_thread(slots.acquire, True, 5)
        slots.release()
        return first and await asyncio.to_thread(slots.acquire, True, 5)

    assert asyncio.run(main())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_has_every_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    assert _portal._slots.acquire(blocking=False)  # a call running in the parent
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads running: the child only counts
            pid = os.fork()
        if pid == 0:
            free = sum(_portal._slots.acquire(blocking=False) for _ in range(_portal._MAX_THREADS))
            os._exit(0 if free == _portal._MAX_THREADS else 1)
        _, status = os.waitpid(pid, 0)
    finally:
        _portal._slots.release()
    assert os.waitstatus_to_exitcode(status) == 0
