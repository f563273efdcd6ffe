"""Core tools as ADK tools: every call goes through `Toolset.dispatch`."""

from __future__ import annotations

import copy
from typing import Any

from google.adk.tools.base_tool import BaseTool
from google.adk.tools.tool_context import ToolContext
from google.genai import types

from any_agent.context import RunContext
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec

__all__ = ["RUN_KEY", "ToolBridge"]

RUN_KEY = "any_agent_run"
"""The key of ``RunConfig.custom_metadata`` that carries the any-agent run to the tool bridge."""


class ToolBridge(BaseTool):
    """One core tool as ADK calls it; the any-agent run rides in the invocation's ``RunConfig``.

    ADK hands a `BaseTool` the parsed arguments unchecked; the core finds the arguments the model
    wrote by call id and validates them, so invalid arguments reach the model as the core's error
    text, as on every framework. It never raises: a tool's failure is a result.
    """

    def __init__(self, spec: ToolSpec, toolset: Toolset) -> None:
        super().__init__(name=spec.name, description=spec.description)
        self.spec = spec
        self.toolset = toolset

    def _get_declaration(self) -> types.FunctionDeclaration:
        """The core's name, description and JSON schema, unchanged."""
        return types.FunctionDeclaration(
            name=self.spec.name,
            description=self.spec.description,
            parameters_json_schema=copy.deepcopy(self.spec.parameters),
        )

    async def run_async(self, *, args: dict[str, Any], tool_context: ToolContext) -> Any:
        """Dispatch through the core; the text (an error's too) is what the model reads."""
        metadata = tool_context.run_config.custom_metadata if tool_context.run_config is not None else None
        run = (metadata or {}).get(RUN_KEY)
        result = await self.toolset.dispatch(
            self.spec.name,
            args,
            call_id=tool_context.function_call_id,
            run=run if isinstance(run, RunContext) else None,
        )
        return result.text
