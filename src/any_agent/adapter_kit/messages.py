"""`Message`: the OpenAI-style chat messages the core exchanges, as types mypy checks.

The core's lingua franca between frameworks and providers is the chat-completions message format:
every framework's history is translated to it on the way to the model, and back from it for the
run's input. Typed, a converter that forgets a tool call's id, writes ``tool_calls`` on a user
message or puts a dict where the arguments' JSON text goes fails ``mypy``, not a conformance run.

At run time they are plain dicts (a `TypedDict` is only a type), so messages a user or a framework
hands over with more keys (``name``, ``refusal``...) pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NotRequired, TypedDict

__all__ = [
    "AssistantMessage",
    "ContentPart",
    "FunctionCall",
    "Message",
    "MessageContent",
    "SystemMessage",
    "ToolCallItem",
    "ToolMessage",
    "UserMessage",
    "results_in_call_order",
]


class TextPart(TypedDict):
    """A text part of a message's content."""

    type: Literal["text"]
    text: str


class ImagePart(TypedDict):
    """An image part of a user message's content (``{"url": ...}``, a URL or a data URL)."""

    type: Literal["image_url"]
    image_url: dict[str, str]


ContentPart = TextPart | ImagePart
"""A typed part of a message's content."""

MessageContent = str | list[ContentPart]
"""A message's content: text, or a list of typed parts."""


class FunctionCall(TypedDict):
    """The function a tool call names, with its arguments as the JSON text the model wrote."""

    name: str
    arguments: str


class ToolCallItem(TypedDict):
    """One tool call of an assistant message."""

    id: str
    type: Literal["function"]
    function: FunctionCall


class SystemMessage(TypedDict):
    """The instructions (``developer`` is the newer name OpenAI gives them)."""

    role: Literal["system", "developer"]
    content: MessageContent


class UserMessage(TypedDict):
    """What the user said."""

    role: Literal["user"]
    content: MessageContent


class AssistantMessage(TypedDict):
    """A model turn: its text (None when it only calls tools) and the tool calls it asks for."""

    role: Literal["assistant"]
    content: MessageContent | None
    tool_calls: NotRequired[list[ToolCallItem]]


class ToolMessage(TypedDict):
    """A tool call's result, answering the call with the same id."""

    role: Literal["tool"]
    tool_call_id: str
    content: MessageContent


Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage
"""One chat message in the OpenAI chat-completions format; ``role`` tells which."""


def results_in_call_order(messages: Sequence[Message]) -> list[Message]:
    """``messages`` with each turn's tool results in the order of the calls that asked for them.

    `tiny` answers a turn's calls in the order the model made them; a framework that answers some
    calls apart from the others (the OpenAI Agents SDK puts calls of unknown tools after the rest)
    would otherwise show the model a different conversation. Results without a matching call keep
    their place after the matched ones.
    """
    ordered = list(messages)
    for index, message in enumerate(ordered):
        if message["role"] != "assistant" or len(message.get("tool_calls") or ()) < 2:
            continue
        end = index + 1
        while end < len(ordered) and ordered[end]["role"] == "tool":
            end += 1
        position = {call["id"]: rank for rank, call in enumerate(message.get("tool_calls") or ())}
        results = ordered[index + 1 : end]
        ordered[index + 1 : end] = sorted(
            results, key=lambda result: position.get(str(result.get("tool_call_id")), len(position))
        )
    return ordered
