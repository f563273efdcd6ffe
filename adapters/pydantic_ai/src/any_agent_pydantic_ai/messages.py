"""Between the core's chat-completions messages and pydantic-ai's `ModelMessage`s.

The run's input arrives as chat messages and becomes pydantic-ai history; each model request comes
back from pydantic-ai's history as the chat messages the core sends, text parts as text parts and
tool turns verbatim, so the request is the one `tiny` sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from pydantic_ai.messages import (
    ImageUrl,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserContent,
    UserPromptPart,
)

from any_agent.adapter_kit import content_text
from any_agent.model.types import Message

__all__ = ["to_core_messages", "to_pydantic_history"]


def to_pydantic_history(messages: Sequence[Message]) -> list[ModelMessage]:
    """The run's input as pydantic-ai history; the last user message is in it, so the run gets no prompt."""
    history: list[ModelMessage] = []
    for message in messages:
        item: dict[str, Any] = cast(dict[str, Any], message)
        role, content = item.get("role"), item.get("content")
        if role == "assistant":
            parts: list[TextPart | ToolCallPart] = [TextPart(content_text(content))] if content else []
            for call in item.get("tool_calls") or []:
                function = call.get("function", {})
                arguments = function.get("arguments") or "{}"
                parts.append(ToolCallPart(function.get("name", ""), arguments, tool_call_id=call.get("id", "")))
            history.append(ModelResponse(parts=parts))
        elif role == "tool":
            part = ToolReturnPart("", content_text(content), tool_call_id=item.get("tool_call_id", ""))
            history.append(ModelRequest(parts=[part]))
        elif role in ("system", "developer"):
            history.append(ModelRequest(parts=[SystemPromptPart(content_text(content))]))
        else:
            history.append(ModelRequest(parts=[UserPromptPart(_user_content(content))]))
    return history


def to_core_messages(messages: Sequence[ModelMessage], instructions: str | None) -> list[Message]:
    """pydantic-ai's history as chat messages: the instructions first (as `tiny` sends them), then each turn."""
    out: list[Message] = [{"role": "system", "content": instructions}] if instructions else []
    for message in messages:
        if isinstance(message, ModelResponse):
            out.append(_assistant(message))
            continue
        for part in message.parts:
            if isinstance(part, SystemPromptPart):
                out.append({"role": "system", "content": part.content})
            elif isinstance(part, UserPromptPart):
                out.append(cast(Message, {"role": "user", "content": _chat_content(part.content)}))
            elif isinstance(part, ToolReturnPart):
                out.append({"role": "tool", "tool_call_id": part.tool_call_id, "content": part.model_response_str()})
            elif isinstance(part, RetryPromptPart):  # pydantic-ai's own retry; the core's bridges never cause one
                if part.tool_name:
                    out.append({"role": "tool", "tool_call_id": part.tool_call_id, "content": part.model_response()})
                else:
                    out.append({"role": "user", "content": str(part.model_response())})
    return out


def _assistant(message: ModelResponse) -> Message:
    text = "".join(part.content for part in message.parts if isinstance(part, TextPart))
    calls = [
        {"id": part.tool_call_id, "type": "function", "function": {"name": part.tool_name, "arguments": _raw(part)}}
        for part in message.parts
        if isinstance(part, ToolCallPart)
    ]
    item: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        item["tool_calls"] = calls
    return cast(Message, item)


def _raw(part: ToolCallPart) -> str:
    # The model's own argument string, as it wrote it (the ledger restores it in any case).
    return part.args if isinstance(part.args, str) else part.args_as_json_str()


def _user_content(content: Any) -> str | list[UserContent]:
    if content is None or isinstance(content, str):
        return content or ""
    parts: list[UserContent] = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "image_url":
            parts.append(ImageUrl(url=part["image_url"]["url"]))
        else:
            parts.append(content_text([part]))
    return parts


def _chat_content(content: str | Sequence[UserContent]) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    return [
        {"type": "image_url", "image_url": {"url": part.url}}
        if isinstance(part, ImageUrl)
        else {"type": "text", "text": part if isinstance(part, str) else str(part)}
        for part in content
    ]
