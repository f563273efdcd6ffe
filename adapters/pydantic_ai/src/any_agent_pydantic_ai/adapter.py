"""`PydanticAIAdapter`: an `AgentConfig` as a pydantic-ai `Agent`, run by pydantic-ai's own graph."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic_ai import Agent as PydanticAgent
from pydantic_ai import Tool, UsageLimits
from pydantic_ai.exceptions import AgentRunError, ModelRetry, UnexpectedModelBehavior, UserError
from pydantic_ai.models.instrumented import InstrumentationSettings

from any_agent.adapter import Adapter
from any_agent.adapter_kit import check_agent_args, framework_turn_limit
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec
from any_agent_pydantic_ai.messages import to_pydantic_history
from any_agent_pydantic_ai.model_bridge import ModelBridge
from any_agent_pydantic_ai.tool_bridge import ToolBridge

__all__ = ["INSTRUMENT_KEY", "PydanticAIAdapter"]

INSTRUMENT_KEY = "instrument"
"""The ``agent_args`` key that turns pydantic-ai's own OpenTelemetry instrumentation back on
(``True`` or an `InstrumentationSettings`); off by default, since the core traces every run."""

_OWNED = {
    "model": "AgentConfig.model_id, api_base and api_key (every model call goes through any-agent)",
    "instructions": "AgentConfig.instructions",
    "system_prompt": "AgentConfig.instructions",
    "output_type": "AgentConfig.output_type",
    "name": "AgentConfig.name",
    "description": "AgentConfig.description",
    "toolsets": "AgentConfig.tools (MCP servers too: McpStdio, McpHttp)",
    "deps_type": "nothing: every run's deps is its any_agent.RunContext",
}
_ACCEPTED = frozenset({*inspect.signature(PydanticAgent.__init__).parameters, INSTRUMENT_KEY}) - {"self"}


class PydanticAIAdapter(Adapter):
    """Runs agents on pydantic-ai, with the core as its model and its tools."""

    framework: ClassVar[str] = "pydantic_ai"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        agent_args = dict(config.agent_args)
        check_agent_args(agent_args, framework="pydantic-ai's Agent", accepted=_ACCEPTED, owned=_OWNED)
        instrument = agent_args.pop(INSTRUMENT_KEY, False)
        if not isinstance(instrument, bool | InstrumentationSettings):
            raise ConfigError(
                f"{INSTRUMENT_KEY} must be True, False or a pydantic_ai InstrumentationSettings", field="agent_args"
            )
        own_tools = list(agent_args.pop("tools", []))
        self.toolset = Toolset(self.tools, native=[_tool_name(tool) for tool in own_tools])
        self._agent: PydanticAgent[Any, str | None] = PydanticAgent(
            ModelBridge(model, self.toolset, output_type=config.output_type),
            name=config.name,
            description=config.description,
            instructions=config.instructions,
            # Structured output is the core's (the request's response_format, the answer parsed by
            # the core), as on `tiny`. None lets an empty answer end the run: pydantic-ai would re-ask.
            output_type=str | None,  # type: ignore[arg-type]
            tools=[*(ToolBridge(spec, self.toolset).as_tool() for spec in self.toolset.bridged), *own_tools],
            **agent_args,
        )
        # pydantic-ai's own spans would duplicate the core's. Set on the agent, this also holds after
        # a global `Agent.instrument_all()`.
        self._agent.instrument = instrument

    @property
    def native(self) -> PydanticAgent[Any, str | None]:
        """The pydantic-ai `Agent`; its model is the core bridge, so its calls are traced by any-agent too."""
        return self._agent

    async def run(self, run: RunContext) -> Any:
        """One pydantic-ai run on the whole input as its history; its request limit is ``max_turns``."""
        # The core stops the run at max_turns; pydantic-ai's own limit is one past it, never first.
        result = await self._agent.run(
            None,
            message_history=to_pydantic_history(run.input_messages),
            deps=run,
            model=ModelBridge(self.model, self.toolset, run=run),
            usage_limits=UsageLimits(request_limit=framework_turn_limit(run.config.max_turns, run)),
            infer_name=False,
        )
        return result.output or ""

    def describe_error(self, error: BaseException) -> str:
        """What pydantic-ai's own exceptions mean for the user."""
        if isinstance(error, UserError):
            return f"pydantic-ai rejected the agent's setup: {error}. Check agent_args"
        if isinstance(error, UnexpectedModelBehavior):
            return (
                f"pydantic-ai could not use the model's answer: {error}. Check the last chat span of the trace; "
                "agent_args['retries'] sets how often pydantic-ai asks again"
            )
        if isinstance(error, ModelRetry | AgentRunError):
            return f"pydantic-ai failed during the run: {type(error).__name__}: {error}"
        return super().describe_error(error)


def _tool_name(tool: Any) -> str:
    """The name pydantic-ai gives a tool passed in ``agent_args['tools']`` (a `Tool` or a function)."""
    return tool.name if isinstance(tool, Tool) else str(getattr(tool, "__name__", tool))
