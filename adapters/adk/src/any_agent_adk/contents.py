"""Between the core's chat-completions messages and ADK's `google.genai` `Content`s.

The run's input arrives as chat messages and becomes the events of a fresh ADK session; each model
request comes back from ADK's contents as the chat messages the core sends, tool turns verbatim, so
the request is the one `tiny` sends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from google.genai import types

from any_agent.adapter_kit import (
    AssistantMessage,
    Message,
    ToolCallItem,
    content_text,
    instruction_mark,
    marked_instruction,
)
from any_agent.tools.ledger import arguments_object

__all__ = ["RESULT_KEY", "to_contents", "to_core_messages"]

RESULT_KEY = "result"
"""ADK wraps a tool's text in ``{"result": text}``; the model is sent the text itself, as on `tiny`."""


def to_contents(messages: Sequence[Message]) -> list[types.Content]:
    """Chat messages as ADK contents: a turn's tool results become one user content, as ADK makes them."""
    contents: list[types.Content] = []
    names: dict[str, str] = {}
    for message in messages:
        if message["role"] == "assistant":
            parts = [types.Part(text=content_text(message.get("content")))] if message.get("content") else []
            for call in message.get("tool_calls") or []:
                names[call["id"]] = call["function"]["name"]
                arguments = arguments_object(call["function"].get("arguments") or "{}")
                parts.append(
                    types.Part(function_call=types.FunctionCall(id=call["id"], name=names[call["id"]], args=arguments))
                )
            contents.append(types.Content(role="model", parts=parts))
        elif message["role"] == "tool":
            call_id = message["tool_call_id"]
            response = {RESULT_KEY: content_text(message.get("content"))}
            part = types.Part(
                function_response=types.FunctionResponse(id=call_id, name=names.get(call_id, ""), response=response)
            )
            if contents and contents[-1].role == "user" and _all_responses(contents[-1]):
                cast(list[types.Part], contents[-1].parts).append(part)
            else:
                contents.append(types.Content(role="user", parts=[part]))
        else:
            # google.genai contents have no system role: a system message is marked (adapter_kit.instructions).
            part = types.Part(text=content_text(message.get("content")), part_metadata=instruction_mark(message))
            contents.append(types.Content(role="user", parts=[part]))
    return contents


def to_core_messages(contents: Sequence[types.Content], original: Mapping[str, AssistantMessage]) -> list[Message]:
    """ADK's contents as chat messages; an input turn with tool calls as it came (``original``, by first call id)."""
    out: list[Message] = []
    for content in contents:
        parts = content.parts or []
        if content.role == "model":
            out.append(_assistant(parts, original))
            continue
        for part in parts:
            if part.function_response is not None:
                response = part.function_response
                out.append(
                    {"role": "tool", "tool_call_id": response.id or "", "content": _result_text(response.response)}
                )
            elif part.text is not None and not part.thought:
                out.append(_text_message(part))
    return out


def _text_message(part: types.Part) -> Message:
    return marked_instruction(part.part_metadata, part.text or "") or {"role": "user", "content": part.text or ""}


def _assistant(parts: Sequence[types.Part], original: Mapping[str, AssistantMessage]) -> Message:
    calls = [part.function_call for part in parts if part.function_call is not None]
    if calls and (known := original.get(calls[0].id or "")) is not None:
        return known
    text = "".join(part.text for part in parts if part.text and not part.thought)
    message: AssistantMessage = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = [
            ToolCallItem(
                id=call.id or "",
                type="function",
                function={"name": call.name or "", "arguments": json.dumps(call.args or {})},
            )
            for call in calls
        ]
    return message


def _result_text(response: Mapping[str, Any] | None) -> str:
    text = response.get(RESULT_KEY) if response is not None and response.keys() == {RESULT_KEY} else None
    return text if isinstance(text, str) else json.dumps(response)


def _all_responses(content: types.Content) -> bool:
    return bool(content.parts) and all(part.function_response is not None for part in content.parts or [])
