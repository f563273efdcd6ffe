"""The model boundary's data: what a model call returns, in one shape for every provider.

Messages themselves stay in the OpenAI chat-completions format (plain dicts): every framework and
every provider any-llm serves can be translated to and from it, so it is the lingua franca of the
bridges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Message", "ModelResponse", "ToolCall", "Usage"]

Message = dict[str, Any]
"""One chat message in the OpenAI chat-completions format (``role``, ``content``, ``tool_calls``...)."""


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model asked for, with its arguments as the raw JSON text the model wrote.

    The text is kept raw so that invalid JSON reaches the tool boundary, which reports it back to
    the model, instead of failing inside a framework.
    """

    id: str
    name: str
    arguments: str

    def to_openai(self) -> dict[str, Any]:
        """The OpenAI chat-completions form of the call."""
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one model call, or summed over a run."""

    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Input and output tokens together."""
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)


@dataclass(frozen=True, slots=True)
class ModelResponse:
    """One model call's answer: text, tool calls, or both."""

    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    response_id: str | None = None
    parsed: Any = None
    """The structured output, validated, when the call asked for a pydantic ``response_format``."""

    def to_message(self) -> Message:
        """The assistant message to append to the history, in the OpenAI chat-completions format."""
        message: Message = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [call.to_openai() for call in self.tool_calls]
        return message
