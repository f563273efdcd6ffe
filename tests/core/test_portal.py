"""Blocking work off the event loop (`_portal.in_thread`): threads are reused, abandoned ones are left alone."""

from __future__ import annotations

import asyncio
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
