"""`ToolBridge`: a LangChain tool that is a core `ToolSpec`.

LangChain would validate arguments against the tool's schema and turn a failure into its own
exception or message; here the schema is only shown to the model (a JSON schema ``args_schema``,
which LangChain does not validate) and the model's raw arguments go to `ToolSpec.call`, so invalid
arguments and tool failures come back to the model as the core's error text, with the core's span.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, ToolException
from pydantic import ConfigDict

from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolResult, ToolSpec
from any_agent_langgraph.binding import binding

__all__ = ["ToolBridge"]


class ToolBridge(BaseTool):
    """One core tool, as LangChain sees it; its artifact is the tool's Python return value."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    spec: ToolSpec
    toolset: Toolset

    @classmethod
    def from_spec(cls, spec: ToolSpec, toolset: Toolset) -> ToolBridge:
        """The bridge for ``spec``; failures become ``status="error"`` tool messages with the core's text."""
        return cls(
            name=spec.name,
            description=spec.description,
            args_schema=spec.parameters,
            spec=spec,
            toolset=toolset,
            handle_tool_error=True,
            response_format="content_and_artifact",
        )

    def _to_args_and_kwargs(
        self, tool_input: str | dict[str, Any], tool_call_id: str | None
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        # Skip LangChain's input parsing: the core finds the model's own arguments by call id.
        return (), {"arguments": tool_input, "call_id": tool_call_id}

    async def _arun(
        self, arguments: str | dict[str, Any], call_id: str | None, config: RunnableConfig
    ) -> tuple[str, Any]:
        run = binding(config).run
        return _content(await self.toolset.dispatch(self.name, arguments, call_id=call_id, run=run))

    def _run(self, arguments: str | dict[str, Any], call_id: str | None, config: RunnableConfig) -> tuple[str, Any]:
        run = binding(config).run
        return _content(self.toolset.dispatch_sync(self.name, arguments, call_id=call_id, run=run))


def _content(result: ToolResult) -> tuple[str, Any]:
    if result.is_error:
        raise ToolException(result.text)
    return result.text, result.value
