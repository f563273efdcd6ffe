"""Core tools as pydantic-ai tools: every call goes through `Toolset.dispatch`."""

from __future__ import annotations

import copy
from typing import Any

from pydantic_ai import RunContext as PydanticRunContext
from pydantic_ai import Tool

from any_agent.context import RunContext
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec

__all__ = ["ToolBridge"]


class ToolBridge:
    """One core tool as pydantic-ai calls it; the any-agent run rides in pydantic-ai's ``deps``.

    The core finds the arguments the model wrote by call id and validates them, so invalid arguments
    reach the model as the core's error text, as on every framework. It never raises: a tool's
    failure is a result, so pydantic-ai has nothing to reword or retry.
    """

    def __init__(self, spec: ToolSpec, toolset: Toolset) -> None:
        self.spec = spec
        self.toolset = toolset

    async def __call__(self, ctx: PydanticRunContext[Any], **arguments: Any) -> str:
        """Dispatch through the core; the text (an error's too) is what the model reads."""
        run = ctx.deps if isinstance(ctx.deps, RunContext) else None
        result = await self.toolset.dispatch(self.spec.name, arguments, call_id=ctx.tool_call_id, run=run)
        return result.text

    def as_tool(self) -> Tool[Any]:
        """A pydantic-ai tool with the core's name, description and schema.

        `Tool.from_schema` makes pydantic-ai skip its own argument validation: the core validates the
        raw arguments, and pydantic-ai's wording must not reach the model.
        """
        return Tool.from_schema(
            self,
            name=self.spec.name,
            description=self.spec.description,
            json_schema=copy.deepcopy(self.spec.parameters),
            takes_ctx=True,
        )
