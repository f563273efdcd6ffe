"""The events of a streamed run: the same kinds, in the same order, on every framework.

They come from the core's boundaries, never from a framework's own streaming: the model client
streams each model call and forwards its text (`TextDeltaEvent`) and its outcome (`ModelResponseEvent`),
the toolset reports each tool call before it starts (`ToolCallEvent`) and once it has finished
(`ToolResultEvent`), and the run ends with `RunFinished` or `RunFailed`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from any_agent.errors import AgentRunError
from any_agent.model.types import Usage
from any_agent.tracing.trace import AgentTrace

__all__ = [
    "ModelResponseEvent",
    "RunEvent",
    "RunFailed",
    "RunFinished",
    "TextDeltaEvent",
    "ToolCallEvent",
    "ToolResultEvent",
    "event_data",
]


@dataclass(frozen=True, slots=True)
class TextDeltaEvent:
    """A piece of the model's answer text, as the provider sent it (never for a structured answer)."""

    text: str
    kind: Literal["text_delta"] = field(default="text_delta", init=False)


@dataclass(frozen=True, slots=True)
class ToolCallEvent:
    """A tool call about to run: the model finished writing it and the core dispatches it now."""

    call_id: str
    name: str
    arguments: str
    """The arguments as the model wrote them (JSON text, possibly invalid: the tool reports that)."""
    kind: Literal["tool_call"] = field(default="tool_call", init=False)


@dataclass(frozen=True, slots=True)
class ToolResultEvent:
    """A tool call that finished: the text the model is sent back, and whether it is an error."""

    call_id: str
    name: str
    result: str
    is_error: bool = False
    kind: Literal["tool_result"] = field(default="tool_result", init=False)


@dataclass(frozen=True, slots=True)
class ModelResponseEvent:
    """One model call finished; its text (if any) has been streamed as `TextDeltaEvent` events before it."""

    model: str | None
    """The model that answered, as the provider names it."""
    usage: Usage
    finish_reason: str | None
    tool_calls: int = 0
    """How many tool calls the answer asks for (each comes as a `ToolCallEvent` when it runs)."""
    kind: Literal["model_response"] = field(default="model_response", init=False)


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run succeeded: its trace, with the answer (parsed, for structured output) in ``final_output``."""

    trace: AgentTrace
    kind: Literal["run_finished"] = field(default="run_finished", init=False)


@dataclass(frozen=True, slots=True)
class RunFailed:
    """The run failed; the stream raises ``error`` right after this event."""

    error: AgentRunError
    kind: Literal["run_failed"] = field(default="run_failed", init=False)

    @property
    def trace(self) -> AgentTrace:
        """The partial trace of the failed run."""
        return self.error.trace


RunEvent = TextDeltaEvent | ToolCallEvent | ToolResultEvent | ModelResponseEvent | RunFinished | RunFailed
"""Any event of a streamed run; switch on ``event.kind`` or on its type."""


def event_data(event: RunEvent) -> dict[str, Any]:
    """The event as JSON-ready data (for server-sent events, logs): the trace as its summary."""
    if isinstance(event, RunFinished):
        return {"kind": event.kind, "final_output": _jsonable(event.trace.final_output), **_summary(event.trace)}
    if isinstance(event, RunFailed):
        return {
            "kind": event.kind,
            "error": str(event.error),
            "error_type": type(event.error).__name__,
            **_summary(event.trace),
        }
    data = dataclasses.asdict(event)
    if isinstance(event, ModelResponseEvent):
        data["usage"] = {"input_tokens": event.usage.input_tokens, "output_tokens": event.usage.output_tokens}
    return data


def _summary(trace: AgentTrace) -> dict[str, Any]:
    usage = trace.usage
    return {"usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens}}


def _jsonable(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value
