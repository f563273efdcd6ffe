"""`MyFrameworkAdapter`: an `AgentConfig` as a MyFramework agent, run by MyFramework's own loop.

Every ``myframework.*`` name below is a placeholder for your framework's real API; each ``TODO``
is one item of the checklist in any-agent's docs/adapters.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import myframework  # TODO: your framework

from any_agent import Adapter, AgentConfig, RunContext
from any_agent.adapter_kit import check_agent_args, framework_turn_limit
from any_agent.model.client import ModelClient
from any_agent.tools.spec import ToolSpec
from any_agent_myframework.model_bridge import ModelBridge, to_core_messages
from any_agent_myframework.tool_bridge import ToolBridge

__all__ = ["MyFrameworkAdapter"]

# TODO(agent_args): the keyword arguments of the framework's agent constructor that users may pass,
# and the ones any-agent sets itself, each with the AgentConfig field to use instead.
_ACCEPTED = frozenset({"retries", "end_strategy"})
_OWNED = {
    "model": "AgentConfig.model_id (every model call goes through any-agent)",
    "tools": "AgentConfig.tools",
    "instructions": "AgentConfig.instructions",
}


class MyFrameworkAdapter(Adapter):
    """Runs agents on MyFramework, with the core as its model and its tools."""

    framework: ClassVar[str] = "myframework"
    # TODO(differences): only if the conformance suite shows a difference the framework forces,
    # declared as TraceDifference(scenario=..., reason=..., transform=...) and stated on its docs page.
    # trace_differences: ClassVar[Sequence[TraceDifference]] = ()

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        check_agent_args(config.agent_args, framework="MyFramework's Agent", accepted=_ACCEPTED, owned=_OWNED)
        self._agent = myframework.Agent(
            name=config.name,
            instructions=config.instructions,
            # TODO(structured output): keep the framework's output as text; the model bridge sends
            # run.config.output_type as response_format and the core parses the JSON answer.
            # TODO(model bridge): the framework's model extension point, over the core client.
            model=ModelBridge(model, self.toolset),
            # TODO(tool bridge): every tool in toolset.bridged (the catch-all included) in the
            # framework's tool type, each dispatching through the core.
            tools=[ToolBridge(spec, self.toolset).as_framework_tool() for spec in self.toolset.bridged],
            # TODO(max_turns): only if the framework has a limit of its own: max_turns for the native
            # agent driven directly (no run), one more in a run (below), where the core's count decides.
            max_steps=framework_turn_limit(config.max_turns, None),
            # TODO(telemetry): the framework's own telemetry/export off; never the user's OpenTelemetry.
            instrument=False,
            **config.agent_args,
        )

    @property
    def native(self) -> Any:
        """The framework's own agent object, for users who want to go further with it."""
        return self._agent

    async def run(self, run: RunContext) -> Any:
        """One run of the framework's loop on the run's messages; the final answer (text or output_type)."""
        # TODO(run): pass `run` to the bridges explicitly, through whatever per-run object the
        # framework hands them (its context or dependencies), or a per-run ModelBridge.
        result = await self._agent.run(
            to_core_messages(run.input_messages),
            context=run,
            max_steps=framework_turn_limit(run.config.max_turns, run),  # TODO(max_turns): never what stops a run
        )
        # TODO(empty answer): "" ends the run, as on `tiny`; a framework that re-asks the model for an
        # empty answer must be told it is a valid one.
        return result.output or ""

    def describe_error(self, error: BaseException) -> str:
        """TODO(errors): what the framework's own exceptions mean for the user, and what to do."""
        if isinstance(error, myframework.ConfigurationError):
            return f"MyFramework rejected the agent's setup: {error}. Check agent_args"
        return super().describe_error(error)
