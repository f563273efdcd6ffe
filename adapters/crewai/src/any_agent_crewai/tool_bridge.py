"""The tool bridge: CrewAI tools that run the core `ToolSpec`s.

The core validates arguments, turns tool exceptions into an error the model can read and emits the
``execute_tool`` span, so the bridge hands it the call and returns its text unchanged. CrewAI's own
checks (argument validation, usage limits) are not applied on the way.
"""

from __future__ import annotations

import copy
from typing import Any

from crewai.tools import BaseTool
from pydantic import BaseModel, ConfigDict, PrivateAttr
from pydantic.json_schema import JsonSchemaValue

from any_agent.adapter import run_blocking
from any_agent.context import RunContext
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec

__all__ = ["ToolBridge", "spec_for"]


def _arguments_model(spec: ToolSpec) -> type[BaseModel]:
    """A pydantic model whose JSON schema is the spec's and which accepts any arguments."""
    schema = copy.deepcopy(spec.parameters)

    class Arguments(BaseModel):
        model_config = ConfigDict(extra="allow", title=spec.name)

        @classmethod
        def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> JsonSchemaValue:
            return copy.deepcopy(schema)

    return Arguments


class ToolBridge(BaseTool):
    """One core tool as a CrewAI tool, bound to one run.

    CrewAI hands a tool only the arguments it parsed, not the call's id: the core matches them to
    the call the model wrote (`any_agent.tools.ledger.CallLedger.claim`) and validates that one.
    """

    _toolset: Toolset = PrivateAttr()
    _context: RunContext | None = PrivateAttr(default=None)

    @classmethod
    def bound(cls, spec: ToolSpec, toolset: Toolset, run: RunContext | None) -> ToolBridge:
        """The tool for one run; the run is held explicitly, since CrewAI runs tools in worker threads."""
        tool = cls(name=spec.name, description=spec.description, args_schema=_arguments_model(spec))
        tool._toolset, tool._context = toolset, run
        return tool

    def run(self, *args: Any, **kwargs: Any) -> str:
        """Dispatch through the core (CrewAI's own argument validation is skipped on purpose)."""
        return self._toolset.dispatch_sync(self.name, kwargs, run=self._context).text

    async def arun(self, *args: Any, **kwargs: Any) -> str:
        """`run` for CrewAI's async paths."""
        return (await self._toolset.dispatch(self.name, kwargs, run=self._context)).text

    def _run(self, *args: Any, **kwargs: Any) -> str:
        return self.run(*args, **kwargs)


def spec_for(tool: BaseTool) -> ToolSpec:
    """A CrewAI-native tool (from ``agent_args["tools"]``) as a core spec, so it is traced like any tool."""

    async def execute(arguments: dict[str, Any]) -> Any:
        return await run_blocking(tool.run, **arguments)

    schema = tool.args_schema.model_json_schema()
    schema.pop("title", None)
    return ToolSpec(tool.name, tool.description, schema, execute, source=tool)
