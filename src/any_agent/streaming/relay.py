"""The boundaries' side of streaming: what the model client and the toolset tell a streamed run."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from any_agent.errors import ModelStreamError
from any_agent.model.types import FinalResponse, ModelResponse, StreamChunk, TextDelta
from any_agent.streaming.events import ModelResponseEvent, TextDeltaEvent, ToolCallEvent, ToolResultEvent
from any_agent.streaming.sink import EventSink
from any_agent.tools.spec import ToolResult

__all__ = ["relay_model_stream", "tool_finished", "tool_starting"]


async def relay_model_stream(chunks: AsyncGenerator[StreamChunk], sink: EventSink, *, text: bool) -> ModelResponse:
    """Read a model call's stream, forward its text to ``sink``, return the assembled answer.

    The framework gets the same `ModelResponse` as from an unstreamed call, so no adapter knows the
    run is streamed. ``text`` is False for a structured answer: its JSON is not text to show.
    Closing (a reader that stopped, a cancelled run) closes the provider's stream; a reader that
    stops cancels the call at once, even while it waits for the provider's next chunk.
    """
    sink.check()
    response: ModelResponse | None = None
    with sink.cancels_on_close():
        async with aclosing(chunks) as stream:
            async for chunk in stream:
                if isinstance(chunk, TextDelta):
                    if text and chunk.text:
                        await sink.emit(TextDeltaEvent(chunk.text))
                elif isinstance(chunk, FinalResponse):
                    response = chunk.response
    if response is None:  # every layer ends a stream with its answer; this is a broken layer
        raise ModelStreamError("the model's stream ended without an answer")
    await sink.emit(
        ModelResponseEvent(response.model, response.usage, response.finish_reason, len(response.tool_calls))
    )
    return response


async def tool_starting(sink: EventSink, call_id: str, name: str, arguments: str) -> None:
    """Announce a tool call; returns once the reader has it (so a stopped reader stops the tool)."""
    await sink.emit(ToolCallEvent(call_id, name, arguments), handed_over=True)


async def tool_finished(sink: EventSink, call_id: str, name: str, result: ToolResult) -> None:
    """Report a finished tool call with the text the model is sent back."""
    await sink.emit(ToolResultEvent(call_id, name, result.text, result.is_error))
