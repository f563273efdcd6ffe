"""Between the core's chat-completions messages and the SDK's Responses-format items.

The SDK's converter turns its items into the chat messages the core sends; here are the run's
input history (the core keeps it as chat messages) as items, and the core's answer as the output
items the SDK's converter would make of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from agents.items import TResponseInputItem, TResponseOutputItem
from agents.models.fake_id import FAKE_RESPONSES_ID
from openai.types.chat import (
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageToolCallUnion,
)
from openai.types.chat.chat_completion_message_function_tool_call import Function
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

from any_agent.adapter_kit.content import content_text
from any_agent.model.types import Message, ModelResponse

__all__ = ["to_chat_message", "to_chunk", "to_input_items", "to_output_items"]

_FINISH_REASONS = {"stop", "length", "tool_calls", "content_filter"}


def to_input_items(messages: Sequence[Message]) -> list[TResponseInputItem]:
    """The run's history as the SDK's input items, so the converter rebuilds the same chat messages.

    An assistant turn becomes an output message followed by its function calls: the SDK's
    converter folds those back into one assistant message with ``tool_calls``.
    """
    items: list[dict[str, Any]] = []
    for message in messages:
        content = message.get("content")
        if message["role"] == "tool":
            call_id = message.get("tool_call_id", "")
            items.append({"type": "function_call_output", "call_id": call_id, "output": content_text(content)})
        elif message["role"] == "assistant":
            if content:
                items.append(
                    {
                        "type": "message",
                        "role": "assistant",
                        "id": FAKE_RESPONSES_ID,
                        "status": "completed",
                        "content": [{"type": "output_text", "text": content_text(content), "annotations": []}],
                    }
                )
            for call in message.get("tool_calls") or []:
                function = call.get("function", {})
                items.append(
                    {
                        "type": "function_call",
                        "call_id": call.get("id", ""),
                        "name": function.get("name", ""),
                        "arguments": function.get("arguments") or "{}",
                    }
                )
        else:  # user, system, developer: the SDK accepts chat-style content parts as they are
            items.append({"role": message["role"], "content": content if content is not None else ""})
    return cast(list[TResponseInputItem], items)


def to_chat_message(response: ModelResponse) -> ChatCompletionMessage:
    """The core's answer in the openai types the SDK's converters read."""
    calls: list[ChatCompletionMessageToolCallUnion] = [
        ChatCompletionMessageFunctionToolCall(
            id=call.id, type="function", function=Function(name=call.name, arguments=call.arguments)
        )
        for call in response.tool_calls
    ]
    return ChatCompletionMessage(role="assistant", content=response.content, tool_calls=calls or None)


def to_output_items(response: ModelResponse) -> list[TResponseOutputItem]:
    """The core's answer as the SDK's output items: the items its own converter makes of it.

    Built directly rather than through a `ChatCompletionMessage` and
    `Converter.message_to_output_items`, which cost about 24 µs per model call on this path (the
    core's answer has only text and function calls, none of the converter's other cases); a test
    pins them equal to the converter's.
    """
    items: list[TResponseOutputItem] = []
    if response.content:
        text = ResponseOutputText(text=response.content, type="output_text", annotations=[], logprobs=[])
        items.append(
            ResponseOutputMessage(
                id=FAKE_RESPONSES_ID, content=[text], role="assistant", type="message", status="completed"
            )
        )
    items.extend(
        ResponseFunctionToolCall(
            id=FAKE_RESPONSES_ID, call_id=call.id, arguments=call.arguments, name=call.name, type="function_call"
        )
        for call in response.tool_calls
    )
    return items


def to_chunk(response: ModelResponse, model: str) -> ChatCompletionChunk:
    """The core's whole answer as one streamed chunk, for the SDK's stream handler."""
    calls = [{"index": index, **call.to_openai()} for index, call in enumerate(response.tool_calls)]
    usage = response.usage
    return ChatCompletionChunk.model_validate(
        {
            "id": response.response_id or FAKE_RESPONSES_ID,
            "created": 0,
            "model": model,
            "object": "chat.completion.chunk",
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": response.content, "tool_calls": calls or None},
                    "finish_reason": response.finish_reason if response.finish_reason in _FINISH_REASONS else None,
                }
            ],
            "usage": usage.as_openai(),
        }
    )
