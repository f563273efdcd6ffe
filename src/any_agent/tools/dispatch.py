"""`Toolset`: the one way every adapter runs a tool call.

Frameworks decide some tool outcomes themselves (a call of a tool that does not exist, arguments
they cannot parse) and word them each their own way, so the same model would see a different
conversation on each framework. Here the core decides them all: an adapter's tool bridge hands
every call to `Toolset.dispatch`, which finds the call the model wrote (`CallLedger`), answers an
unknown tool with `unknown_tool_message`, validates the raw arguments and runs the tool (between the
agent's tool hooks, if it has any: `any_agent.hooks.tool_step`), each traced as an ``execute_tool`` span.

Frameworks that answer unknown tools on their own get the model's calls through `handover`, which
renames a call of an unknown tool to the catch-all tool (`CATCH_ALL`, bridged like any tool but
never offered to the model); its bridge dispatches here like any other, so the model is told the
same thing everywhere. The history shows the model its own call again (`CallLedger.restore`).
A framework with its own hook for unknown tools (the OpenAI Agents SDK's ``tool_error_formatter``)
calls `dispatch` from that hook instead, and registers no catch-all.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any

from any_agent._portal import run_sync
from any_agent.context import RunContext, current_run
from any_agent.hooks.tool_step import hooked_tool_call
from any_agent.model.types import ModelResponse, ToolCall
from any_agent.streaming.relay import tool_finished, tool_starting
from any_agent.tools.ledger import CATCH_ALL, arguments_object
from any_agent.tools.spec import ToolResult, ToolSpec, raw_arguments

__all__ = ["CATCH_ALL", "Toolset", "unknown_tool_message"]

UNKNOWN_TOOL_ERROR = "UnknownTool"
"""``error.type`` of the ``execute_tool`` span of a call to a tool the agent does not have."""


def unknown_tool_message(name: str, available: Sequence[str]) -> str:
    """What the model is told when it calls a tool the agent does not have (the same on every framework)."""
    return f"Error: there is no tool named {name!r}. Available tools: {', '.join(available) or 'none'}."


class Toolset:
    """An agent's tools, as every adapter dispatches them."""

    def __init__(self, specs: Sequence[ToolSpec], *, native: Sequence[str] = ()) -> None:
        """``native`` names the framework's own tools, which it runs itself (from ``agent_args``)."""
        self.specs = list(specs)
        self.by_name = {spec.name: spec for spec in self.specs}
        self.native = list(native)
        self._known = frozenset((*self.by_name, *self.native))
        self.catch_all = ToolSpec(
            CATCH_ALL,
            "Answers calls of tools the agent does not have. Never offered to the model.",
            {"type": "object", "properties": {}, "additionalProperties": True},
            _never_called,
        )

    @property
    def names(self) -> list[str]:
        """The names of the tools the model is offered: the core's and the framework's own."""
        return [*self.by_name, *self.native]

    @property
    def bridged(self) -> list[ToolSpec]:
        """What an adapter registers with a framework that answers unknown tools on its own."""
        return [*self.specs, self.catch_all]

    def definitions(self) -> list[dict[str, Any]] | None:
        """The tools offered to the model, in the OpenAI ``tools`` format (None when there are none)."""
        return [spec.definition() for spec in self.specs] or None

    def definition(self, name: str, otherwise: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """What the model is told about the framework's tool ``name``.

        The core's own definition for its tools (not the framework's rendering of them), so the
        request is the one `tiny` sends; ``otherwise()``, the framework's own description, for a
        tool the user gave the framework directly.
        """
        spec = self.by_name.get(name)
        return spec.definition() if spec is not None else otherwise()

    def handover(self, response: ModelResponse, *, also: Collection[str] = (), parse: bool = False) -> ModelResponse:
        """The model's answer as a framework must be given it.

        A call of a tool that neither the core nor the framework has (``also``: more names the
        framework runs itself, such as handoffs) is renamed to the catch-all, so the framework runs
        it through the core. With ``parse``, arguments that are not a JSON object are handed over as
        ``{}`` (for frameworks that parse them and would answer the model in their own words); the
        core still validates what the model wrote.
        """
        if not response.tool_calls:
            return response
        known = self._known.union(also)
        calls = tuple(self._handed(call, known, parse) for call in response.tool_calls)
        return response if calls == response.tool_calls else dataclasses.replace(response, tool_calls=calls)

    def _handed(self, call: ToolCall, known: Collection[str], parse: bool) -> ToolCall:
        name = call.name if call.name in known else CATCH_ALL
        arguments = json.dumps(arguments_object(call.arguments)) if parse else call.arguments
        if (name, arguments) == (call.name, call.arguments):
            return call
        return ToolCall(call.id, name, arguments)

    async def dispatch(
        self,
        name: str,
        arguments: str | Mapping[str, Any] | None,
        *,
        call_id: str | None = None,
        run: RunContext | None = None,
    ) -> ToolResult:
        """Run one tool call the framework asked for; never raises for the model's or a tool's mistake.

        ``name``, ``arguments`` and ``call_id`` are what the framework has; the call the model
        actually wrote is looked up by id, or matched by name and arguments when the framework
        passes no id.
        """
        run = run or current_run()
        call = self._resolve(name, arguments, call_id, run)
        sink = run.events if run is not None else None
        if sink is None:
            return await self._run(call, run)
        await tool_starting(sink, call.id, call.name, call.arguments)
        result = await self._run(call, run)
        await tool_finished(sink, call.id, call.name, result)
        return result

    async def _run(self, call: ToolCall, run: RunContext | None) -> ToolResult:
        spec = self.by_name.get(call.name)
        if spec is not None:
            hooks = run.hooks if run is not None else None
            if hooks is not None and hooks.on_tools:
                step = functools.partial(hooked_tool_call, hooks, call, run, spec._execute)
                return await spec.traced(call.arguments, call.id or None, run, step)
            return await spec.call(call.arguments, call_id=call.id or None, run=run)
        unknown = dataclasses.replace(self.catch_all, name=call.name, description="")
        result = ToolResult(unknown_tool_message(call.name, self.names), is_error=True, error_type=UNKNOWN_TOOL_ERROR)
        return await unknown.traced(call.arguments, call.id or None, run, _returning(result))

    def dispatch_sync(
        self,
        name: str,
        arguments: str | Mapping[str, Any] | None,
        *,
        call_id: str | None = None,
        run: RunContext | None = None,
    ) -> ToolResult:
        """`dispatch` for synchronous framework code."""
        return run_sync(self.dispatch(name, arguments, call_id=call_id, run=run or current_run()))

    def _resolve(
        self, name: str, arguments: str | Mapping[str, Any] | None, call_id: str | None, run: RunContext | None
    ) -> ToolCall:
        if run is not None:
            recorded = run.calls.take(call_id) if call_id else None
            if recorded is None:
                given = arguments_object(arguments) if isinstance(arguments, str) else dict(arguments or {})
                recorded = run.calls.claim(name, given, self._known)
            if recorded is not None:
                return recorded
        return ToolCall(call_id or "", name, raw_arguments(arguments))


async def _never_called(arguments: dict[str, Any]) -> Any:
    raise AssertionError("the catch-all tool is dispatched by Toolset, never called")


def _returning(result: ToolResult) -> Callable[[], Awaitable[ToolResult]]:
    async def outcome() -> ToolResult:
        return result

    return outcome
