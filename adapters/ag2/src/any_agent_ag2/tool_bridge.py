"""The core `ToolSpec`s as AG2 tools.

An AG2 `FunctionTool` derives its schema from a Python signature and decodes the arguments
itself, so invalid arguments would fail inside AG2 with a traceback. This tool instead shows the
model the core's schema and hands the model's raw arguments to `ToolSpec.call`, which validates,
runs, traces (``execute_tool``) and words errors exactly as on every other framework.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AsyncExitStack, ExitStack
from typing import Any, cast

from ag2 import Context  # at run time: AG2 injects the context into `execute` by this annotation
from ag2.events import Condition, ToolCallEvent, ToolResultEvent
from ag2.middleware import BaseMiddleware, ToolExecution, ToolResultType
from ag2.tools.final import FunctionToolSchema
from ag2.tools.final.function_tool import FunctionDefinition
from ag2.tools.tool import Tool

from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec
from any_agent_ag2.model_bridge import run_of

__all__ = ["ToolBridge"]


class ToolBridge(Tool):
    """One core tool, registered on each AG2 turn like AG2's own function tools."""

    def __init__(self, spec: ToolSpec, toolset: Toolset) -> None:
        self.name = spec.name
        self.spec = spec
        self.toolset = toolset
        definition = FunctionDefinition(name=spec.name, description=spec.description)
        definition.parameters = spec.parameters  # set after init, which would drop the schema's "title"
        self._schema = FunctionToolSchema(function=definition)

    def __deepcopy__(self, memo: dict[int, Any]) -> ToolBridge:
        # AG2 deep-copies tools it is given; this one is immutable, and a spec's executor may hold
        # things that cannot be copied (an MCP session).
        return self

    async def schemas(self, context: Context) -> list[FunctionToolSchema]:
        """The core spec's schema, unchanged, so the model sees what it sees on every framework."""
        return [self._schema]

    def register(
        self, stack: ExitStack | AsyncExitStack, context: Context, *, middleware: Iterable[BaseMiddleware] = ()
    ) -> None:
        """Answer this tool's calls on the turn's stream, through the turn's tool middleware."""
        execution: ToolExecution = self._call
        for layer in middleware:
            execution = _wrap(layer, execution)

        async def execute(event: ToolCallEvent, context: Context) -> None:
            await context.send(await execution(event, context))

        # AG2's event-field DSL: the comparison builds a Condition (typed as bool without ag2.mypy).
        calls_to_me = cast(Condition, ToolCallEvent.name == self.name)
        stack.enter_context(context.stream.where(calls_to_me).sub_scope(execute))

    async def _call(self, event: ToolCallEvent, context: Context) -> ToolResultType:
        result = await self.toolset.dispatch(self.name, event.arguments, call_id=event.id, run=run_of(context))
        return ToolResultEvent.from_call(event, result.text)


def _wrap(layer: BaseMiddleware, inner: ToolExecution) -> ToolExecution:
    async def call(event: ToolCallEvent, context: Context) -> ToolResultType:
        return await layer.on_tool_execution(inner, event, context)

    return call
