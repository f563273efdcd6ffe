"""OpenAI chat messages in the GenAI semantic conventions' JSON message format.

The conventions describe messages as ``{"role", "parts": [...]}`` with typed parts (``text``,
``tool_call``, ``tool_call_response``); converting once here means every framework's messages land
in the spans in the same shape.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from typing import Any

from any_agent.adapter_kit.content import content_text
from any_agent.model.types import Message, ModelResponse

__all__ = ["input_messages", "input_messages_json", "output_messages", "system_instructions"]


def system_instructions(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """The system and developer messages, as ``gen_ai.system_instructions`` parts."""
    return [
        {"type": "text", "content": content_text(message.get("content"))}
        for message in messages
        if message.get("role") in {"system", "developer"}
    ]


def input_messages(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """The conversation sent to the model (system messages excluded, as the conventions ask)."""
    converted = []
    for message in messages:
        if message["role"] == "system" or message["role"] == "developer":
            continue
        if message["role"] == "tool":
            parts: list[dict[str, Any]] = [
                {"type": "tool_call_response", "id": message.get("tool_call_id"), "response": message.get("content")}
            ]
        else:
            parts = []
            if message.get("content"):
                parts.append({"type": "text", "content": content_text(message.get("content"))})
            if message["role"] == "assistant":
                for call in message.get("tool_calls") or []:
                    function = call.get("function", {})
                    parts.append(_tool_call_part(call.get("id"), function.get("name"), function.get("arguments")))
        converted.append({"role": message["role"], "parts": parts})
    return converted


def input_messages_json(messages: Iterable[Message], known: dict[int, tuple[Message, str | None]] | None = None) -> str:
    """`input_messages` as the JSON of ``gen_ai.input.messages``.

    ``known`` remembers each message's JSON by identity, for a history whose messages are never
    changed once sent (`CallLedger.vouch`): each is then converted once per run rather than once
    per call. The text is the same either way: ``json.dumps`` of a list joins its items' own
    encodings with ``", "``.
    """
    if known is None:
        return json.dumps(input_messages(messages), default=str)
    pieces = []
    for message in messages:
        entry = known.get(id(message))
        if entry is None or entry[0] is not message:
            converted = input_messages([message])
            entry = known[id(message)] = (message, json.dumps(converted[0], default=str) if converted else None)
        if entry[1] is not None:
            pieces.append(entry[1])
    return "[" + ", ".join(pieces) + "]"


def output_messages(response: ModelResponse) -> list[dict[str, Any]]:
    """The model's answer as ``gen_ai.output.messages``."""
    parts: list[dict[str, Any]] = []
    if response.content:
        parts.append({"type": "text", "content": response.content})
    parts.extend(_tool_call_part(call.id, call.name, call.arguments) for call in response.tool_calls)
    return [{"role": "assistant", "parts": parts, "finish_reason": response.finish_reason or "stop"}]


def _tool_call_part(call_id: Any, name: Any, arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, str):
        with contextlib.suppress(ValueError):  # invalid JSON from the model stays the text it was
            arguments = json.loads(arguments)
    return {"type": "tool_call", "id": call_id, "name": name, "arguments": arguments}
