"""Core tools as LlamaIndex tools: every call goes through `Toolset.dispatch`."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from llama_index.core.tools.types import AsyncBaseTool, ToolMetadata, ToolOutput

from any_agent.context import RunContext
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolResult, ToolSpec

__all__ = ["ToolBridge"]


@dataclass
class _Metadata(ToolMetadata):
    """LlamaIndex's description of a tool, with the core's JSON schema as its parameters."""

    parameters: dict[str, Any] = field(default_factory=dict)

    def get_parameters_dict(self) -> dict[str, Any]:
        """The core's schema, unchanged (LlamaIndex would derive one from a pydantic class)."""
        return copy.deepcopy(self.parameters)


class ToolBridge(AsyncBaseTool):
    """One core tool as LlamaIndex calls it; one instance per run carries that run.

    LlamaIndex hands a tool only the parsed arguments, not the call's id: the core finds the call
    the model wrote by name and arguments (as for CrewAI), validates its raw arguments, and answers
    in its own words. It never raises: a tool's failure is a result.
    """

    def __init__(self, spec: ToolSpec, toolset: Toolset, run: RunContext | None = None) -> None:
        self.spec = spec
        self.toolset = toolset
        self.run = run
        self._metadata = _Metadata(
            description=spec.description, name=spec.name, fn_schema=None, parameters=spec.parameters
        )

    @property
    def metadata(self) -> ToolMetadata:
        """The core's name, description and schema."""
        return self._metadata

    def call(self, *args: Any, **kwargs: Any) -> ToolOutput:
        """A call from synchronous LlamaIndex code."""
        return self._output(kwargs, self.toolset.dispatch_sync(self.spec.name, kwargs, run=self.run))

    async def acall(self, *args: Any, **kwargs: Any) -> ToolOutput:
        """Dispatch through the core; the text (an error's too) is what the model reads."""
        return self._output(kwargs, await self.toolset.dispatch(self.spec.name, kwargs, run=self.run))

    def _output(self, arguments: dict[str, Any], result: ToolResult) -> ToolOutput:
        return ToolOutput(
            content=result.text,
            tool_name=self.spec.name,
            raw_input=arguments,
            raw_output=result.text,
            is_error=result.is_error,
        )
