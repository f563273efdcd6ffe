"""Core tools as the SDK's `FunctionTool`s, so every call goes through `ToolSpec.call`."""

from __future__ import annotations

import copy
import inspect
from typing import Any

from agents.exceptions import UserError
from agents.models.chatcmpl_converter import Converter
from agents.run_config import ToolErrorFormatter, ToolErrorFormatterArgs
from agents.strict_schema import ensure_strict_json_schema
from agents.tool import FunctionTool, Tool
from agents.tool_context import ToolContext

from any_agent.context import RunContext
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec

__all__ = ["ToolBridge", "UnknownToolAnswer", "function_tool", "tool_definition"]


class ToolBridge:
    """The ``on_invoke_tool`` of a bridged tool: the call goes to the core's `Toolset.dispatch`.

    The core finds the arguments the model wrote by call id and validates them: invalid arguments
    come back to the model as the core's error text and an ERROR ``execute_tool`` span, as on every
    framework. Tool failures are results, never exceptions, so the SDK has nothing to reword.
    """

    def __init__(self, spec: ToolSpec, toolset: Toolset) -> None:
        self.spec = spec
        self.toolset = toolset

    async def __call__(self, context: ToolContext[Any], arguments: str) -> str:
        """Dispatch through the core; the text (the error text too) is what the model reads."""
        # The run rides in the SDK's run context (set per Runner.run), so concurrent runs sharing
        # one agent never see each other's run.
        run = context.context if isinstance(context.context, RunContext) else None
        result = await self.toolset.dispatch(self.spec.name, arguments, call_id=context.tool_call_id, run=run)
        return result.text


class UnknownToolAnswer:
    """The run's ``RunConfig.tool_error_formatter``: a call of a tool the SDK does not have goes to the core.

    With ``tool_not_found_behavior="return_error_to_model"`` the SDK answers such a call with this
    formatter's text; the core's `Toolset.dispatch` writes it (`unknown_tool_message`, an ERROR
    ``execute_tool`` span, the tool events), as on every framework. Not a catch-all tool registered
    with the SDK: the SDK resolves every registered tool on every turn, which one more tool made
    measurably slower. Other kinds of tool error go to the user's own formatter, if any.
    """

    def __init__(self, toolset: Toolset, run: RunContext, user: ToolErrorFormatter | None) -> None:
        self.toolset = toolset
        self.run = run
        self.user = user

    async def __call__(self, error: ToolErrorFormatterArgs[Any]) -> str | None:
        """The core's text for an unknown tool; the user's formatter (or the SDK's words) otherwise."""
        if error.kind == "tool_not_found":
            result = await self.toolset.dispatch(error.tool_name, None, call_id=error.call_id, run=self.run)
            return result.text
        if self.user is None:
            return None
        message = self.user(error)
        return await message if inspect.isawaitable(message) else message


def function_tool(spec: ToolSpec, toolset: Toolset) -> FunctionTool:
    """A `FunctionTool` whose schema is the core's, strict only where the schema already is."""
    return FunctionTool(
        name=spec.name,
        description=spec.description,
        params_json_schema=copy.deepcopy(spec.parameters),
        on_invoke_tool=ToolBridge(spec, toolset),
        strict_json_schema=_is_strict(spec.parameters),
    )


def tool_definition(tool: Tool) -> dict[str, Any]:
    """What the model is told about ``tool``: the core's definition for bridged tools.

    Bridged tools are described exactly as the `tiny` adapter describes them, so the request is the
    same on every framework; the user's own SDK tools go through the SDK's converter.
    """
    if isinstance(tool, FunctionTool) and isinstance(tool.on_invoke_tool, ToolBridge):
        return tool.on_invoke_tool.spec.definition()
    return dict(Converter.tool_to_openai(tool))


def _is_strict(schema: dict[str, Any]) -> bool:
    # Strict mode would rewrite a schema with optional parameters (all required, nullable), which
    # would change what the tool accepts; only a schema that is strict already is marked so.
    try:
        return ensure_strict_json_schema(copy.deepcopy(schema)) == schema
    except UserError:
        return False
