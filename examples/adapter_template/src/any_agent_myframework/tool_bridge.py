"""Core tools as the framework's tools: every call goes through `Toolset.dispatch`.

The core finds the call the model wrote (by id), answers an unknown tool, validates the raw
arguments and runs the tool in an ``execute_tool`` span. It never raises for the model's or the
tool's mistake: the result's text (the error text too) is what the model reads.
"""

from __future__ import annotations

from typing import Any

import myframework  # TODO: your framework

from any_agent import RunContext
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec

__all__ = ["ToolBridge"]


class ToolBridge:
    """One core tool, as the framework calls it."""

    def __init__(self, spec: ToolSpec, toolset: Toolset) -> None:
        self.spec = spec
        self.toolset = toolset

    async def __call__(self, context: Any, arguments: Any, call_id: str | None) -> str:
        """TODO: the framework's tool-call signature; pass whatever it has (raw text or parsed dict)."""
        run = context if isinstance(context, RunContext) else None
        result = await self.toolset.dispatch(self.spec.name, arguments, call_id=call_id, run=run)
        return result.text

    def as_framework_tool(self) -> Any:
        """TODO: the framework's tool type, with the core's name, description and JSON schema as they are."""
        return myframework.Tool(
            name=self.spec.name, description=self.spec.description, parameters=self.spec.parameters, function=self
        )
