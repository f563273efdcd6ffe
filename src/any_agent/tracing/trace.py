"""`AgentTrace`: what a run did, as data that outlives the process.

It holds the run's spans (OpenTelemetry data, flattened to JSON-friendly records), the final output,
and derived totals. Its normalized form drops ids, times and framework-specific detail, so two runs
of the same agent on two frameworks can be compared step by step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import StatusCode
from pydantic import BaseModel, Field

from any_agent.model.types import Usage
from any_agent.tracing import attributes as attr
from any_agent.tracing.agents import AgentRun, agent_runs

__all__ = ["AgentTrace", "SpanEvent", "SpanRecord", "normalize_spans"]

_CORE_OPERATIONS = (attr.OP_INVOKE_AGENT, attr.OP_CHAT, attr.OP_EXECUTE_TOOL)


class SpanEvent(BaseModel):
    """A timestamped event on a span (a retry, an exception)."""

    name: str
    time_ns: int
    attributes: dict[str, Any] = Field(default_factory=dict)


class SpanRecord(BaseModel):
    """One finished span, flattened."""

    name: str
    trace_id: str
    span_id: str
    parent_id: str | None
    start_ns: int
    end_ns: int
    status: str = "UNSET"
    """``OK``, ``ERROR`` or ``UNSET``, as OpenTelemetry's status code."""
    status_description: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    events: list[SpanEvent] = Field(default_factory=list)

    @property
    def operation(self) -> str | None:
        """The GenAI operation (``invoke_agent``, ``chat``, ``execute_tool``), if it is one of ours."""
        value = self.attributes.get(attr.OPERATION_NAME)
        return value if isinstance(value, str) else None

    @property
    def duration(self) -> timedelta:
        """How long the span took."""
        return timedelta(microseconds=(self.end_ns - self.start_ns) / 1000)

    @classmethod
    def from_otel(cls, span: ReadableSpan) -> SpanRecord:
        """Flatten an SDK span."""
        context = span.context
        assert context is not None  # a finished SDK span always has one
        return cls(
            name=span.name,
            trace_id=f"{context.trace_id:032x}",
            span_id=f"{context.span_id:016x}",
            parent_id=f"{span.parent.span_id:016x}" if span.parent else None,
            start_ns=span.start_time or 0,
            end_ns=span.end_time or 0,
            status=span.status.status_code.name,
            status_description=span.status.description,
            attributes=_plain(span.attributes),
            events=[
                SpanEvent(name=event.name, time_ns=event.timestamp, attributes=_plain(event.attributes))
                for event in span.events
            ],
        )


def _plain(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """SDK attributes as a plain dict, in their order.

    The SDK hands out its `BoundedAttributes` (behind a read-only proxy), whose own ``copy()`` copies
    its dict at C speed; ``dict(attributes)`` would call its Python ``__getitem__`` once per key,
    for every attribute of every span of every run.
    """
    if not attributes:
        return {}
    copy = getattr(attributes, "copy", None)
    copied = copy() if callable(copy) else attributes
    return copied if type(copied) is dict else dict(copied)


class AgentTrace(BaseModel):
    """The result of a run: its final output and the spans that show how it got there."""

    spans: list[SpanRecord] = Field(default_factory=list)
    """Every span of the run, ordered by start time; the first is the root ``invoke_agent`` span."""
    final_output: Any = None
    """The agent's answer: text, or an instance of `AgentConfig.output_type` when one is set."""
    framework: str | None = None
    """The adapter that ran the agent."""

    @classmethod
    def from_spans(
        cls, spans: Iterable[ReadableSpan], *, final_output: Any = None, framework: str | None = None
    ) -> AgentTrace:
        """Build a trace from SDK spans (in any order)."""
        records = sorted((SpanRecord.from_otel(span) for span in spans), key=lambda record: record.start_ns)
        return cls(spans=records, final_output=final_output, framework=framework)

    @property
    def root(self) -> SpanRecord | None:
        """The ``invoke_agent`` span."""
        return next((span for span in self.spans if span.operation == attr.OP_INVOKE_AGENT), None)

    def operation_spans(self, operation: str) -> list[SpanRecord]:
        """The spans of one GenAI operation, in start order."""
        return [span for span in self.spans if span.operation == operation]

    @property
    def usage(self) -> Usage:
        """Tokens summed over every model call of the run."""
        total = Usage()
        for span in self.operation_spans(attr.OP_CHAT):
            total += Usage(
                int(span.attributes.get(attr.INPUT_TOKENS, 0)), int(span.attributes.get(attr.OUTPUT_TOKENS, 0))
            )
        return total

    @property
    def cost(self) -> float | None:
        """The run's price in USD, or None when any of its model calls has an unknown price."""
        total = 0.0
        for span in self.operation_spans(attr.OP_CHAT):
            cost = span.attributes.get(attr.COST)
            if not isinstance(cost, int | float):
                return None
            total += cost
        return total

    @property
    def agents(self) -> list[AgentRun]:
        """Each agent's run in this trace, with its own usage and cost.

        One entry for a plain run; a run that used agents as tools has one more per inner run
        (`AgentRun.depth` says how deep). `usage` and `cost` are the sums over all of them.
        """
        return agent_runs(self.spans)

    @property
    def models_used(self) -> list[str]:
        """The ``provider:model`` ids that served the run's model calls, in first-use order."""
        used = (span.attributes.get(attr.MODEL_ID) for span in self.operation_spans(attr.OP_CHAT))
        return list(dict.fromkeys(model for model in used if isinstance(model, str)))

    @property
    def duration(self) -> timedelta:
        """Wall time of the run (the root span's duration)."""
        root = self.root
        return root.duration if root else timedelta(0)

    @property
    def succeeded(self) -> bool:
        """Whether the run ended without error."""
        root = self.root
        return root is not None and root.status != StatusCode.ERROR.name

    def normalized(self) -> list[dict[str, Any]]:
        """The run's steps without ids, times or framework-specific detail (see `normalize_spans`)."""
        return normalize_spans(self.spans)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Serialize; `from_json` reads it back (a structured output comes back as a dict)."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str) -> AgentTrace:
        """Read a trace written by `to_json`."""
        return cls.model_validate_json(text)

    def save(self, path: str | Path) -> None:
        """Write the trace as JSON to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> AgentTrace:
        """Read a trace saved with `save`."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def normalize_spans(spans: Sequence[SpanRecord]) -> list[dict[str, Any]]:
    """The comparable steps of a run.

    Keeps, in order, every ``invoke_agent``, ``chat`` and ``execute_tool`` span with its operation
    and name; for ``chat`` the conversation sent (without the system prompt), the answer text, the
    tool calls asked for and the token counts; for
    ``execute_tool`` the arguments, the result and whether it failed. Drops ids, times, the prompt
    text (frameworks add their own) and framework-specific spans. Tool calls run in the same turn
    may finish in any order, so runs of consecutive tool steps are sorted.
    """
    steps: list[dict[str, Any]] = []
    tool_run: list[dict[str, Any]] = []

    def flush() -> None:
        steps.extend(sorted(tool_run, key=lambda step: json.dumps(step, sort_keys=True)))
        tool_run.clear()

    for span in spans:
        operation = span.operation
        if operation not in _CORE_OPERATIONS:
            continue
        step: dict[str, Any] = {"operation": operation, "name": span.name, "status": span.status}
        if operation == attr.OP_CHAT:
            step.update(_chat_step(span))
        elif operation == attr.OP_EXECUTE_TOOL:
            step["arguments"] = _loads(span.attributes.get(attr.TOOL_CALL_ARGUMENTS))
            step["result"] = _loads(span.attributes.get(attr.TOOL_CALL_RESULT))
            tool_run.append(step)
            continue
        flush()
        steps.append(step)
    flush()
    return steps


def _chat_step(span: SpanRecord) -> dict[str, Any]:
    output = _loads(span.attributes.get(attr.OUTPUT_MESSAGES)) or []
    text: list[str] = []
    calls: list[dict[str, Any]] = []
    for message in output if isinstance(output, list) else []:
        for part in message.get("parts", []):
            if part.get("type") == "text":
                text.append(part.get("content", ""))
            elif part.get("type") == "tool_call":
                calls.append({"name": part.get("name"), "arguments": part.get("arguments")})
    return {
        "input": _conversation(span.attributes.get(attr.INPUT_MESSAGES)),
        "output": "".join(text) or None,
        "tool_calls": sorted(calls, key=lambda call: json.dumps(call, sort_keys=True)),
        "input_tokens": span.attributes.get(attr.INPUT_TOKENS),
        "output_tokens": span.attributes.get(attr.OUTPUT_TOKENS),
    }


def _conversation(value: Any) -> Any:
    """The messages a model call was sent, without call ids (the system prompt is not among them).

    Kept so that two frameworks that tell the model different things cannot compare equal.
    """
    messages = _loads(value)
    if not isinstance(messages, list):
        return messages
    return [
        {
            **message,
            "parts": [
                {key: item for key, item in part.items() if key != "id"} if isinstance(part, dict) else part
                for part in message.get("parts", [])
            ],
        }
        if isinstance(message, dict)
        else message
        for message in messages
    ]


def _loads(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
