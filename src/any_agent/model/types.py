"""The model boundary's data: what a model call returns, in one shape for every provider.

Messages themselves stay in the OpenAI chat-completions format (plain dicts, typed as
`any_agent.adapter_kit.messages.Message`): every framework and every provider any-llm serves can be
translated to and from it, so it is the lingua franca of the bridges.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from any_agent.adapter_kit.messages import AssistantMessage, Message, ToolCallItem

__all__ = [
    "FinalResponse",
    "Message",
    "ModelResponse",
    "StreamChunk",
    "TextDelta",
    "ToolCall",
    "ToolCallDelta",
    "Usage",
    "replay",
]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model asked for, with its arguments as the raw JSON text the model wrote.

    The text is kept raw so that invalid JSON reaches the tool boundary, which reports it back to
    the model, instead of failing inside a framework.
    """

    id: str
    name: str
    arguments: str

    def to_openai(self) -> ToolCallItem:
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

    def as_openai(self) -> dict[str, int]:
        """The counts in OpenAI's ``usage`` shape, which several frameworks take as they are."""
        return {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
        }


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

    def to_message(self) -> AssistantMessage:
        """The assistant message to append to the history, in the OpenAI chat-completions format."""
        message: AssistantMessage = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [call.to_openai() for call in self.tool_calls]
        return message


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer's text, as it arrived."""

    kind: ClassVar[str] = "text_delta"
    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call, as it arrived: its ``index`` says which call of the answer it belongs to.

    The first piece of a call carries its ``id`` and ``name``; ``arguments`` is a fragment of the JSON
    text, and the fragments of one index concatenated are the call's arguments.
    """

    kind: ClassVar[str] = "tool_call_delta"
    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class FinalResponse:
    """The assembled answer: always the last chunk of a stream that did not fail."""

    kind: ClassVar[str] = "final_response"
    response: ModelResponse


StreamChunk = TextDelta | ToolCallDelta | FinalResponse
"""What a streamed model call yields: deltas, then the `FinalResponse`.

Concatenated `TextDelta` texts equal the final ``content``; the `ToolCallDelta` pieces of each index
assemble into the final ``tool_calls``.
"""


def replay(response: ModelResponse) -> Iterator[StreamChunk]:
    """A finished answer as a stream: its whole text, each whole call, then the answer itself.

    For layers that only have the answer once it is complete (constrained decoding reads JSON) and
    for test doubles.
    """
    if response.content:
        yield TextDelta(response.content)
    for index, call in enumerate(response.tool_calls):
        yield ToolCallDelta(index, call.id, call.name, call.arguments)
    yield FinalResponse(response)
