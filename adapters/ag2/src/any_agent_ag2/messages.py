"""OpenAI chat messages to AG2 events and back.

AG2 keeps a conversation as a stream of typed events (``ModelRequest``, ``ModelResponse``,
``ToolResultsEvent``...), while the core speaks OpenAI chat messages. A run's input history goes in
as events, so AG2 middleware and history policies see a real conversation; each model call turns
the stream's events back into messages for the core model client.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ag2.events import (
    BaseEvent,
    BinaryInput,
    BinaryType,
    DataInput,
    Input,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextInput,
    ToolCallEvent,
    ToolCallsEvent,
    ToolErrorEvent,
    ToolResult,
    ToolResultEvent,
    ToolResultsEvent,
    UrlInput,
)
from ag2.exceptions import UnsupportedInputError

from any_agent.adapter_kit.content import content_text
from any_agent.adapter_kit.instructions import instruction_mark, marked_instruction
from any_agent.adapter_kit.messages import (
    AssistantMessage,
    ContentPart,
    Message,
    MessageContent,
    SystemMessage,
    ToolMessage,
    UserMessage,
)

if TYPE_CHECKING:
    from fast_depends.library.serializer import SerializerProto

__all__ = ["to_events", "to_messages"]


def to_events(messages: Sequence[Message]) -> list[BaseEvent]:
    """A run's input as conversation events.

    AG2 has no system message event (its prompt is the agent's, sent first), so a system or developer
    message of the history becomes a request whose text is marked with its role (adapter_kit.instructions)
    and goes back to the model in its place, as `tiny` sends it.
    """
    events: list[BaseEvent] = []
    for message in messages:
        content = message.get("content")
        if (mark := instruction_mark(message)) is not None:
            events.append(ModelRequest([TextInput(content_text(content), metadata=mark)]))
        elif message["role"] == "user":
            events.append(ModelRequest(_inputs(content)))
        elif message["role"] == "assistant":
            calls = [
                ToolCallEvent(id=call["id"], name=call["function"]["name"], arguments=call["function"]["arguments"])
                for call in message.get("tool_calls") or []
            ]
            text = content_text(content)
            events.append(ModelResponse(ModelMessage(text) if text else None, tool_calls=ToolCallsEvent(calls)))
        elif message["role"] == "tool":
            result = ToolResultEvent(parent_id=message["tool_call_id"], result=ToolResult(content_text(content)))
            if events and isinstance(events[-1], ToolResultsEvent):
                events[-1].results.append(result)  # one turn's results travel together, as AG2 sends them
            else:
                events.append(ToolResultsEvent([result]))
    return events


def to_messages(prompt: Iterable[str], events: Iterable[BaseEvent], serializer: SerializerProto) -> list[Message]:
    """The conversation a model call sends, from the stream's history.

    Only conversational events become messages; AG2 also records lifecycle and usage events, and
    each tool result both alone and in its turn's ``ToolResultsEvent`` (the one used here).
    """
    system = "\n".join(prompt)
    messages: list[Message] = [SystemMessage(role="system", content=system)] if system else []
    for event in events:
        if isinstance(event, ModelRequest):
            messages.append(_request_message(event, serializer))
        elif isinstance(event, ModelResponse):
            message = AssistantMessage(role="assistant", content=event.content)
            if event.tool_calls:
                message["tool_calls"] = [
                    # The raw text the model wrote, even when it is not valid JSON.
                    {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
                    for call in event.tool_calls.calls
                ]
            messages.append(message)
        elif isinstance(event, ToolResultsEvent):
            messages.extend(
                ToolMessage(role="tool", tool_call_id=result.parent_id, content=_result_text(result, serializer))
                for result in event.results
            )
    return messages


def _request_message(event: ModelRequest, serializer: SerializerProto) -> Message:
    [first, *rest] = event.parts or [TextInput("")]
    if not rest and isinstance(first, TextInput) and (marked := marked_instruction(first.metadata, first.content)):
        return marked
    return UserMessage(role="user", content=_content(event.parts, serializer))


def _inputs(content: Any) -> list[Input]:
    if not isinstance(content, list):
        return [TextInput(content_text(content))]
    inputs: list[Input] = []
    for part in content:
        if part.get("type") == "text":
            inputs.append(TextInput(part.get("text", "")))
        elif part.get("type") == "image_url":
            inputs.append(UrlInput(part["image_url"]["url"], kind=BinaryType.IMAGE))
        else:
            raise UnsupportedInputError(f"message part {part.get('type')!r}", "any-agent ag2 adapter")
    return inputs


def _content(parts: Sequence[Input], serializer: SerializerProto) -> MessageContent:
    # A tuple, not `TextInput | DataInput`: AG2 event classes overload `|` to build conditions.
    if len(parts) == 1 and isinstance(parts[0], (TextInput, DataInput)):
        return _part_text(parts[0], serializer)
    converted: list[ContentPart] = []
    for part in parts:
        if isinstance(part, UrlInput) and part.kind == BinaryType.IMAGE:
            converted.append({"type": "image_url", "image_url": {"url": part.url}})
        elif isinstance(part, BinaryInput) and part.kind == BinaryType.IMAGE:
            url = f"data:{part.media_type};base64,{base64.b64encode(part.data).decode()}"
            converted.append({"type": "image_url", "image_url": {"url": url}})
        else:
            converted.append({"type": "text", "text": _part_text(part, serializer)})
    return converted


def _part_text(part: Input, serializer: SerializerProto) -> str:
    if isinstance(part, TextInput):
        return part.content
    if isinstance(part, DataInput):
        return serializer.encode(part.data).decode()
    raise UnsupportedInputError(type(part).__name__, "any-agent ag2 adapter")


def _result_text(result: ToolResultEvent, serializer: SerializerProto) -> str:
    if isinstance(result, ToolErrorEvent):
        # AG2 records a traceback; the model is better served by the error itself, as the core does.
        return f"Error: {type(result.error).__name__}: {result.error}"
    return "".join(_part_text(part, serializer) for part in result.result.parts)
