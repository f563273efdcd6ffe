"""Running an agent as a stream of events: the driver behind `Agent.stream_async` and `Agent.stream`.

The run itself is the ordinary `Agent.run_async`, started as a task with an `EventSink` on its
`RunContext`; the model client and the toolset fill the sink, and this module adds the last event
(`RunFinished` or `RunFailed`). When the reader stops early (``break``, an exception, a cancelled
task) the sink is closed and the run's task cancelled, so the framework stops.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from any_agent._portal import run_sync
from any_agent.context import streaming_to
from any_agent.errors import AgentRunError, RunCancelled
from any_agent.streaming.events import RunEvent, RunFailed, RunFinished
from any_agent.streaming.sink import EventSink

if TYPE_CHECKING:
    from any_agent.agent import Agent, RunInput

__all__ = ["stream_run", "stream_run_sync"]


@dataclass(frozen=True)
class _Crashed:
    """The run raised something that is not a run failure (bad input, a bug): re-raised as is."""

    error: BaseException


async def stream_run(agent: Agent, prompt: RunInput, *, conversation_id: str | None = None) -> AsyncGenerator[RunEvent]:
    """The events of one run of ``agent``; see `Agent.stream_async`."""
    sink = EventSink()
    with streaming_to(sink):  # the task copies this context, so its run (and only it) streams to the sink
        task = asyncio.create_task(_produce(agent, prompt, conversation_id, sink))
    try:
        while True:
            event = await sink.next()
            if isinstance(event, _Crashed):
                raise event.error
            yield event
            if isinstance(event, RunFinished):
                return
            if isinstance(event, RunFailed):
                raise event.error
    except asyncio.CancelledError:
        # A cancelled reader (``asyncio.wait_for`` timing out, a cancelled task) gets the run's
        # `RunCancelled`, with its partial trace, as `Agent.run_async` gives it.
        await _stop(task, sink)
        try:
            task.result()
        except RunCancelled as cancelled:
            raise cancelled from None
        except BaseException:  # any other ending: the reader's own cancellation propagates
            pass
        raise
    finally:
        await _stop(task, sink)


async def _stop(task: asyncio.Task[None], sink: EventSink) -> None:
    """Close the sink and cancel the run, once it is no longer read; returns once the task is done."""
    sink.close()
    if not task.done():
        task.cancel()
        await asyncio.wait([task])  # the framework has stopped (or, in its own thread, will at its next call)


async def _produce(agent: Agent, prompt: RunInput, conversation_id: str | None, sink: EventSink) -> None:
    try:
        trace = await agent.run_async(prompt, conversation_id=conversation_id)
    except AgentRunError as error:
        await sink.emit(RunFailed(error))
    except Exception as error:
        await sink.emit(_Crashed(error))
    else:
        await sink.emit(RunFinished(trace))


def stream_run_sync(agent: Agent, prompt: RunInput, *, conversation_id: str | None = None) -> Iterator[RunEvent]:
    """`stream_run` for synchronous code: the run streams on the background loop; see `Agent.stream`."""
    events = stream_run(agent, prompt, conversation_id=conversation_id)

    async def following() -> RunEvent | None:
        try:
            return await anext(events)
        except StopAsyncIteration:
            return None

    try:
        while (event := run_sync(following())) is not None:
            yield event
    finally:
        run_sync(events.aclose())  # a reader that stopped early cancels the run
