"""`EventSink.close`: a model call running on another loop is cancelled once, so it can close its stream.

`stream_run` closes the sink when its reader is cancelled and again on its way out. A model call of
a framework that runs in a thread of its own streams on the background loop, and its cancellation
closes the provider's stream over a few turns of that loop. A second cancellation landing in the
middle of them interrupted the close and left the provider's connection open (the conformance
suite's ``test_leaving_a_stream_closes_the_provider_connection[cancel]`` failed about once in 100
runs on a busy machine). These tests put the second close exactly there, with events, not timing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from any_agent.streaming.sink import EventSink

BOUND = 10.0
"""Seconds any wait of these tests may take before the test fails (a hang, not a timing check)."""


@pytest.fixture
def other_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A loop on a thread of its own, as the background loop that thread-run frameworks call the model on."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(BOUND)
    loop.close()


class _ModelCall:
    """A model call inside ``cancels_on_close`` whose cancellation takes loop turns to close its stream."""

    def __init__(self, sink: EventSink, loop: asyncio.AbstractEventLoop) -> None:
        self.sink = sink
        self.loop = loop
        self.started = threading.Event()
        self.closing = threading.Event()
        self.close_done: asyncio.Event | None = None
        self.closed_stream = False

    async def run(self, *, emitting: bool) -> None:
        self.close_done = asyncio.Event()
        with self.sink.cancels_on_close():
            try:
                self.started.set()
                if emitting:  # handing an event over to the reader, who is not reading
                    await self.sink.emit("text", handed_over=True)
                else:  # waiting for the provider's next chunk
                    await asyncio.sleep(3600)
            finally:
                self.closing.set()
                await self.close_done.wait()  # the connection's close, over a turn of the loop
                self.closed_stream = True

    def finish_closing(self) -> None:
        """Let the close go on, after whatever the sink's closes have sent to the call's loop."""
        assert self.close_done is not None
        self.loop.call_soon_threadsafe(self.close_done.set)


@pytest.mark.parametrize("emitting", [False, True], ids=["reading", "emitting"])
def test_a_second_close_does_not_interrupt_the_call_closing_its_stream(
    other_loop: asyncio.AbstractEventLoop, emitting: bool
) -> None:
    async def main() -> None:
        sink = EventSink()
        call = _ModelCall(sink, other_loop)
        running = asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call.run(emitting=emitting), other_loop))
        assert await asyncio.to_thread(call.started.wait, BOUND)
        sink.close()  # the reader was cancelled
        assert await asyncio.to_thread(call.closing.wait, BOUND), "the call was not cancelled"
        sink.close()  # `stream_run` on its way out
        call.finish_closing()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(running, BOUND)
        assert call.closed_stream, "a second cancellation interrupted the close of the provider's stream"

    asyncio.run(main())


def test_an_event_on_its_way_from_another_loop_fails_once_the_reader_stops(
    other_loop: asyncio.AbstractEventLoop,
) -> None:
    """Outside a model call (a tool about to start), the close fails the hand-over itself."""

    async def main() -> None:
        sink = EventSink(size=1)
        await sink.emit("text")  # the queue is full: the next event waits for room
        sent = asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(sink.emit("tool call", handed_over=True), other_loop)
        )
        done, _ = await asyncio.wait([sent], timeout=0.1)
        assert not done, "the event was handed over to a reader that did not read"
        sink.close()
        await asyncio.wait([sent], timeout=BOUND)
        assert sent.cancelled(), "the hand-over outlived its reader"

    asyncio.run(main())
