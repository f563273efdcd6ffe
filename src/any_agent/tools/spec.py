"""The tool boundary: every tool call of every framework goes through `ToolSpec.call`.

A `ToolSpec` is a name, a description, a JSON schema and an executor. It validates the arguments
before the call, turns exceptions into an error result the model can read (and act on), and emits
the ``execute_tool`` span. Adapters hand frameworks wrappers that call `ToolSpec.call`, so the
framework never calls a tool except through here.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
import json
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from pydantic import BaseModel, ValidationError

from any_agent import _portal
from any_agent._portal import run_sync
from any_agent.context import RunContext, current_run
from any_agent.errors import ToolDefinitionError
from any_agent.tools.ledger import CATCH_ALL
from any_agent.tools.mcp.config import McpHttp, McpStdio
from any_agent.tools.schema import function_schema, provider_safe_name
from any_agent.tracing import attributes as attr
from any_agent.tracing.collector import get_tracer
from any_agent.tracing.content import capture_content

__all__ = ["ToolResult", "ToolSpec", "tool_specs"]

Executor = Callable[[dict[str, Any]], Awaitable[Any]]
Validator = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What a tool call produced, and the text the model is shown."""

    text: str
    value: Any = None
    is_error: bool = False
    error_type: str | None = None


class InvalidToolArguments(ValueError):
    """The model's arguments are not valid JSON or do not fit the tool's schema."""


@dataclass(frozen=True)
class ToolSpec:
    """One tool, described once for every framework."""

    name: str
    description: str
    parameters: dict[str, Any]
    """The JSON schema of the arguments object."""
    executor: Executor = field(repr=False)
    validator: Validator | None = field(default=None, repr=False)
    """Checks and converts arguments before the call; None leaves that to the executor (MCP)."""
    kind: str = "function"
    """``gen_ai.tool.type``: ``function`` (a Python callable), ``extension`` (an MCP server tool)..."""
    source: Any = field(default=None, repr=False, compare=False)
    """What the tool was made from (the callable), for adapters that need it."""

    @classmethod
    def from_callable(cls, func: Callable[..., Any], *, field_name: str = "tools") -> ToolSpec:
        """Describe a sync or async callable; raise `ToolDefinitionError` if it cannot be described."""
        schema = function_schema(func, field=field_name)
        is_async = inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(type(func).__call__)

        def validate(arguments: dict[str, Any]) -> dict[str, Any]:
            return schema.to_call_kwargs(schema.arguments_model.model_validate(arguments))

        async def execute(arguments: dict[str, Any]) -> Any:
            if is_async:
                return await func(**arguments)
            # A blocking tool must not stall the event loop (and other runs' tool calls); its thread is
            # abandoned, not waited for, when the run is cancelled.
            return await _portal.in_thread(func, **arguments)

        return cls(schema.name, schema.description, schema.json_schema, execute, validate, source=func)

    def definition(self) -> dict[str, Any]:
        """The tool in the OpenAI chat-completions ``tools`` format."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    async def call(
        self, arguments: str | Mapping[str, Any] | None, *, call_id: str | None = None, run: RunContext | None = None
    ) -> ToolResult:
        """Validate, execute and trace one call. Never raises for a tool's own failure."""
        raw = raw_arguments(arguments)
        return await self.traced(raw, call_id, run or current_run(), functools.partial(self._execute, raw))

    async def traced(
        self, raw: str, call_id: str | None, run: RunContext | None, execute: Callable[[], Awaitable[ToolResult]]
    ) -> ToolResult:
        """Run ``execute`` inside this tool's ``execute_tool`` span, with the run current.

        The core's dispatch uses it directly for outcomes decided before any tool runs (a call of
        a tool the agent does not have), so those are traced exactly like a call.
        """
        parent = run.span_context if run is not None else None
        content = capture_content(run)
        # The attributes known before the call go in when the span starts: one mapping, rather than
        # a `set_attribute` (the SDK span's lock and checks) each.
        attributes: dict[str, Any] = {
            attr.OPERATION_NAME: attr.OP_EXECUTE_TOOL,
            attr.TOOL_NAME: self.name,
            attr.TOOL_TYPE: self.kind,
        }
        if self.description:
            attributes[attr.TOOL_DESCRIPTION] = self.description
        if call_id:
            attributes[attr.TOOL_CALL_ID] = call_id
        if content:
            attributes[attr.TOOL_CALL_ARGUMENTS] = raw
        with get_tracer().start_as_current_span(
            f"{attr.OP_EXECUTE_TOOL} {self.name}",
            context=parent,
            kind=trace.SpanKind.INTERNAL,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            # The run is current while the tool runs, so tools (and MCP servers that die) can reach it.
            token = run.activate() if run is not None else None
            task = asyncio.current_task()
            if run is not None and task is not None:
                run.track(task)  # so a cancelled run can cancel it, from whichever thread waits for it
            try:
                result = await execute()
            except asyncio.CancelledError as cancelled:
                _mark_cancelled(span, abandoned=isinstance(cancelled, _portal.ThreadAbandoned))
                raise
            finally:
                if run is not None and task is not None:
                    run.untrack(task)
                if token is not None:
                    RunContext.deactivate(token)
            if content:
                span.set_attribute(attr.TOOL_CALL_RESULT, result.text)
            if result.is_error:
                span.set_status(trace.StatusCode.ERROR, result.text)
                span.set_attribute(attr.ERROR_TYPE, result.error_type or "tool_error")
            return result

    def call_sync(
        self, arguments: str | Mapping[str, Any] | None, *, call_id: str | None = None, run: RunContext | None = None
    ) -> ToolResult:
        """`call` for synchronous framework code."""
        return run_sync(self.call(arguments, call_id=call_id, run=run or current_run()))

    async def _execute(self, raw: str) -> ToolResult:
        try:
            arguments = self._parse(raw)
        except InvalidToolArguments as error:
            return ToolResult(
                f"Error: invalid arguments for tool {self.name!r}: {error}. Call it again with arguments "
                "that match its schema.",
                is_error=True,
                error_type=InvalidToolArguments.__qualname__,
            )
        try:
            value = await self.executor(arguments)
        except asyncio.CancelledError:
            raise
        except KeyboardInterrupt:
            if threading.current_thread() is threading.main_thread():
                raise  # a real Ctrl-C, in a run on the main thread's own loop
            return self._failed(KeyboardInterrupt())
        except BaseException as error:  # SystemExit from an argparse-based tool is the tool's failure too
            return self._failed(error)
        if isinstance(value, ToolResult):  # an executor that knows better, such as an MCP tool's
            return value
        try:
            return ToolResult(_as_text(value), value)
        except Exception as error:
            return ToolResult(
                f"Error: the result of tool {self.name!r} cannot be turned into text: {type(error).__name__}: "
                f"{_safe_str(error)}",
                is_error=True,
                error_type="unserializable_result",
            )

    def _failed(self, error: BaseException) -> ToolResult:
        return ToolResult(
            f"Error: tool {self.name!r} raised {type(error).__name__}: {_safe_str(error)}",
            is_error=True,
            error_type=_qualified_name(type(error)),
        )

    def _parse(self, raw: str) -> dict[str, Any]:
        try:
            arguments = json.loads(raw) if raw.strip() else {}
        except ValueError as error:
            raise InvalidToolArguments(f"not valid JSON ({error})") from None
        if not isinstance(arguments, dict):
            raise InvalidToolArguments("expected a JSON object of named arguments")
        if self.validator is None:
            return arguments
        try:
            return self.validator(arguments)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in item['loc']) or 'arguments'}: {item['msg']}"
                for item in error.errors()
            )
            raise InvalidToolArguments(problems) from None


def tool_specs(tools: list[Any]) -> list[ToolSpec]:
    """The specs of a config's tools (callables or ready specs), naming the offending entry on error.

    MCP server entries are left out: their tools are known once the servers are started.
    """
    specs: list[ToolSpec] = []
    seen: set[str] = set()
    for index, tool in enumerate(tools):
        if isinstance(tool, McpStdio | McpHttp):
            continue
        spec = tool if isinstance(tool, ToolSpec) else ToolSpec.from_callable(tool, field_name=f"tools[{index}]")
        if spec.name == CATCH_ALL:
            raise ToolDefinitionError(f"the tool name {CATCH_ALL!r} is reserved by any-agent", field=f"tools[{index}]")
        if spec.name != (safe := provider_safe_name(spec.name)):  # as MCP tools' names are
            spec = dataclasses.replace(spec, name=safe)
        if spec.name in seen:
            raise ToolDefinitionError(
                f"two tools are named {spec.name!r}; tool names must be unique", field=f"tools[{index}]"
            )
        seen.add(spec.name)
        specs.append(spec)
    return specs


def raw_arguments(arguments: str | Mapping[str, Any] | None) -> str:
    """A call's arguments as the JSON text the tool boundary validates (text is kept as it is)."""
    return arguments if isinstance(arguments, str) else json.dumps(dict(arguments or {}), default=str)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str)


def _safe_str(error: BaseException) -> str:
    """``str(error)``, even for an exception whose ``__str__`` itself raises."""
    try:
        return str(error)
    except Exception:
        return f"<{type(error).__name__} that cannot be printed>"


def _mark_cancelled(span: trace.Span, *, abandoned: bool) -> None:
    """The run was cancelled (a timeout, Ctrl-C) during this call; say so, and whether its thread lives on."""
    if abandoned:
        message = "cancelled; the tool's thread was still running and was abandoned (Python cannot stop it)"
        span.add_event(attr.THREAD_ABANDONED_EVENT, {"reason": "cancelled"})
    else:
        message = "cancelled"
    span.set_status(trace.StatusCode.ERROR, message)
    span.set_attribute(attr.ERROR_TYPE, "cancelled")


def _qualified_name(kind: type[BaseException]) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
