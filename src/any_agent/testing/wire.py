"""A `Reply` in the OpenAI chat-completions wire format: one ``chat.completion`` or its stream.

Kept apart from the HTTP server so the exact shape clients parse (field names, chunk order) is in
one place, and the server only moves bytes.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from any_agent.testing.types import ChatRequest, Reply

__all__ = ["WireCall", "completion", "completion_chunks", "truncated_chunks", "wire_calls"]

_PIECE = 16
"""Characters per streamed delta: small, so a client really has to reassemble the answer."""


@dataclass(frozen=True)
class WireCall:
    """A tool call with its final id and its arguments as JSON text."""

    id: str
    name: str
    arguments: str

    def to_openai(self) -> dict[str, Any]:
        """The call as it appears in ``message.tool_calls``."""
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}


def new_id(prefix: str) -> str:
    """A random id like OpenAI's (``chatcmpl-...``)."""
    return f"{prefix}-{secrets.token_hex(12)}"


def wire_calls(reply: Reply, turn: int) -> list[WireCall]:
    """The reply's tool calls with ids: the scripted one, else ``call_<turn>_<index>_<random>``.

    The random part keeps ids unique across concurrent runs that are at the same turn.
    """
    return [
        WireCall(
            id=call.id or f"call_{turn}_{index}_{secrets.token_hex(4)}",
            name=call.name,
            arguments=call.arguments_json,
        )
        for index, call in enumerate(reply.tool_calls)
    ]


def _content(reply: Reply) -> str | None:
    # A text answer of null makes some frameworks fail; a real model sends "" instead.
    if reply.content is None and not reply.tool_calls:
        return ""
    return reply.content


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.usage.input_tokens,
        "completion_tokens": reply.usage.output_tokens,
        "total_tokens": reply.usage.total_tokens,
    }


def completion(reply: Reply, request: ChatRequest, model: str) -> dict[str, Any]:
    """The ``chat.completion`` object answering ``request`` with ``reply``."""
    message: dict[str, Any] = {"role": "assistant", "content": _content(reply), "refusal": None}
    calls = wire_calls(reply, request.turn)
    if calls:
        message["tool_calls"] = [call.to_openai() for call in calls]
    return {
        "id": new_id("chatcmpl"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "scripted",
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}],
        "usage": _usage(reply),
    }


def _pieces(text: str) -> list[str]:
    return [text[start : start + _PIECE] for start in range(0, len(text), _PIECE)]


class _Chunks:
    """Builds the ``chat.completion.chunk`` objects of one streamed answer (same id, same time)."""

    def __init__(self, model: str, include_usage: bool) -> None:
        self.base = {
            "id": new_id("chatcmpl"),
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "scripted",
        }
        self.include_usage = include_usage

    def delta(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        chunk = {
            **self.base,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
        }
        if self.include_usage:
            chunk["usage"] = None  # as OpenAI does: only the last chunk carries the usage
        return chunk

    def usage(self, usage: dict[str, int]) -> dict[str, Any]:
        return {**self.base, "choices": [], "usage": usage}


def completion_chunks(reply: Reply, request: ChatRequest, model: str) -> Iterator[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of the streamed answer, in OpenAI's order.

    A role chunk, content deltas, for each tool call a chunk with its index, id and name then its
    argument deltas, a chunk with the finish reason, and a usage chunk with no choices when the
    request asked for it (``stream_options.include_usage``). The ``[DONE]`` line is the server's.
    """
    chunks = _Chunks(model, request.include_usage)
    content = _content(reply)
    yield chunks.delta({"role": "assistant", "content": "" if content is not None else None})
    for piece in _pieces(content or ""):
        yield chunks.delta({"content": piece})
    for index, call in enumerate(wire_calls(reply, request.turn)):
        head = {"index": index, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""}}
        yield chunks.delta({"tool_calls": [head]})
        for piece in _pieces(call.arguments):
            yield chunks.delta({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield chunks.delta({}, finish_reason=reply.finish_reason)
    if request.include_usage:
        yield chunks.usage(_usage(reply))


def truncated_chunks(model: str) -> list[dict[str, Any]]:
    """The first chunks of an answer whose connection then drops."""
    chunks = _Chunks(model, include_usage=False)
    return [chunks.delta({"role": "assistant", "content": ""}), chunks.delta({"content": "This answer is cut "})]
