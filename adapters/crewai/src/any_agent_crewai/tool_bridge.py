"""The tool bridge: CrewAI tools that run the core `ToolSpec`s.

The core validates arguments, turns tool exceptions into an error the model can read and emits the
``execute_tool`` span, so the bridge hands it the model's raw argument text and returns its text
unchanged. CrewAI's own checks (argument validation, usage limits) are not applied on the way.
"""

from __future__ import annotations

import copy
from typing import Any

from crewai.tools import BaseTool
from pydantic import BaseModel, ConfigDict, PrivateAttr
from pydantic.json_schema import JsonSchemaValue

from any_agent.adapter import run_blocking
from any_agent.context import RunContext
from any_agent.tools.spec import ToolSpec
from any_agent_crewai.messages import Conversation

__all__ = ["CoreTool", "spec_for"]


def _arguments_model(spec: ToolSpec) -> type[BaseModel]:
    """A pydantic model whose JSON schema is the spec's and which accepts any arguments."""
    schema = copy.deepcopy(spec.parameters)

    class Arguments(BaseModel):
        model_config = ConfigDict(extra="allow", title=spec.name)

        @classmethod
        def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> JsonSchemaValue:
            return copy.deepcopy(schema)

    return Arguments


class CoreTool(BaseTool):
    """One core tool as a CrewAI tool, bound to one run's conversation."""

    _spec: ToolSpec = PrivateAttr()
    _conversation: Conversation = PrivateAttr()
    _context: RunContext | None = PrivateAttr(default=None)

    @classmethod
    def bound(cls, spec: ToolSpec, conversation: Conversation, run: RunContext | None) -> CoreTool:
        """The tool for one run; the run is held explicitly, since CrewAI runs tools in worker threads."""
        tool = cls(name=spec.name, description=spec.description, args_schema=_arguments_model(spec))
        tool._spec, tool._conversation, tool._context = spec, conversation, run
        return tool

    def run(self, *args: Any, **kwargs: Any) -> str:
        """Run the core tool on the model's raw arguments (CrewAI's validation is skipped on purpose)."""
        arguments, call_id = self._conversation.take(kwargs)
        return self._spec.call_sync(arguments, call_id=call_id, run=self._context).text

    async def arun(self, *args: Any, **kwargs: Any) -> str:
        """`run` for CrewAI's async paths."""
        arguments, call_id = self._conversation.take(kwargs)
        return (await self._spec.call(arguments, call_id=call_id, run=self._context)).text

    def _run(self, *args: Any, **kwargs: Any) -> str:
        return self.run(*args, **kwargs)


def spec_for(tool: BaseTool) -> ToolSpec:
    """A CrewAI-native tool (from ``agent_args["tools"]``) as a core spec, so it is traced like any tool."""

    async def execute(arguments: dict[str, Any]) -> Any:
        return await run_blocking(tool.run, **arguments)

    schema = tool.args_schema.model_json_schema()
    schema.pop("title", None)
    return ToolSpec(tool.name, tool.description, schema, execute, source=tool)
