"""`SmolagentsAdapter`: an `AgentConfig` as smolagents' `ToolCallingAgent`, one per run."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar

from smolagents import Tool, ToolCallingAgent
from smolagents.agents import MultiStepAgent
from smolagents.monitoring import LogLevel
from smolagents.utils import AgentError, AgentExecutionError, AgentGenerationError, AgentMaxStepsError

from any_agent.adapter import Adapter, run_blocking
from any_agent.adapter_kit import check_agent_args, content_text, framework_turn_limit
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient, TurnLimitReached
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec
from any_agent_smolagents.conversation import Conversation
from any_agent_smolagents.model_bridge import FINAL_ANSWER, ModelBridge
from any_agent_smolagents.tool_bridge import RunCalls, ToolBridge

__all__ = ["SmolagentsAdapter"]

_OWNED = {
    "model": "AgentConfig.model_id, api_base and api_key (every model call goes through any-agent)",
    "instructions": "AgentConfig.instructions",
    "prompt_templates": "AgentConfig.instructions (the model is sent the instructions, not smolagents' prompts)",
    "name": "AgentConfig.name",
    "description": "AgentConfig.description",
    "max_steps": "AgentConfig.max_turns",
    "stream_outputs": "Agent.stream (streaming is any-agent's, on every framework)",
    "return_full_result": "the AgentTrace any-agent returns",
    "planning_interval": "nothing: planning steps are not supported (each request is the run's conversation)",
    "managed_agents": "AgentConfig.tools",
}
_ACCEPTED = frozenset(
    {*inspect.signature(ToolCallingAgent.__init__).parameters, *inspect.signature(MultiStepAgent.__init__).parameters}
) - {"self", "kwargs", "model_kwargs"}
_QUIET = {"verbosity_level": LogLevel.OFF}
"""smolagents prints every step to the console by default; ``agent_args["verbosity_level"]`` turns it on."""


class SmolagentsAdapter(Adapter):
    """Runs agents on smolagents' tool-calling agent, with the core as its model and its tools."""

    framework: ClassVar[str] = "smolagents"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        agent_args = dict(config.agent_args)
        check_agent_args(agent_args, framework="smolagents' ToolCallingAgent", accepted=_ACCEPTED, owned=_OWNED)
        own_tools = list(agent_args.pop("tools", []))
        if not all(isinstance(tool, Tool) for tool in own_tools):
            raise ConfigError("'tools' takes smolagents tools; put callables in AgentConfig.tools", field="agent_args")
        self._own_tools: list[Tool] = own_tools
        self.toolset = Toolset(self.tools, native=[tool.name for tool in own_tools])
        self._options = {**_QUIET, **agent_args}
        self._templates: Any = None
        try:
            self._native = self._build(None)
            # smolagents parses its prompt templates (YAML) in every agent's constructor: parsed once here.
            self._templates = self._native.prompt_templates
        except (TypeError, ValueError) as error:
            raise ConfigError(f"smolagents rejected the agent: {error}", field="agent_args") from None

    @property
    def native(self) -> ToolCallingAgent:
        """A `ToolCallingAgent` built from the config; its model and tools are the core bridges."""
        return self._native

    async def run(self, run: RunContext) -> Any:
        """A fresh smolagents agent for this run (its memory is the run's), run on a worker thread."""
        return await run_blocking(self._run, run)

    def describe_error(self, error: BaseException) -> str:
        """What smolagents' own errors mean for the user."""
        if isinstance(error, AgentMaxStepsError):
            return f"smolagents stopped at its step limit: {error}; raise AgentConfig.max_turns"
        if isinstance(error, AgentGenerationError | AgentExecutionError | AgentError):
            return f"smolagents failed during the run: {type(error).__name__}: {error}"
        return super().describe_error(error)

    def _run(self, run: RunContext) -> Any:
        agent = self._build(run)
        task: Any = next((m for m in reversed(run.input_messages) if m.get("role") == "user"), {})
        try:
            return agent.run(content_text(task.get("content")), reset=True)
        except AgentError as error:  # smolagents wraps what its model raised: the core's stop is the core's
            stop = error.__cause__ or error.__context__
            if isinstance(stop, TurnLimitReached):
                raise stop from None
            raise

    def _build(self, run: RunContext | None) -> _Agent:
        conversation = Conversation(self.config.instructions, run.input_messages) if run is not None else None
        model = ModelBridge(
            self.model, self.toolset, output_type=self.config.output_type, run=run, conversation=conversation
        )
        calls = RunCalls(self.toolset, run, conversation) if run is not None and conversation is not None else None
        return _Agent(
            calls,
            tools=[*(ToolBridge(spec, self.toolset) for spec in self.toolset.specs), *self._own_tools],
            model=model,
            instructions=self.config.instructions,
            name=self.config.name if self.config.name.isidentifier() else None,
            description=self.config.description,
            max_steps=framework_turn_limit(self.config.max_turns, run),
            prompt_templates=self._templates,
            **self._options,
        )


class _Agent(ToolCallingAgent):  # type: ignore[misc]  # smolagents is untyped
    """smolagents' tool-calling agent whose calls of core tools go to the core, with their ids.

    smolagents checks a call's tool name and arguments in its own words before running it; the
    core answers unknown tools and invalid arguments instead, as on every framework. Its own
    ``final_answer`` tool and the user's smolagents tools run as smolagents runs them.
    """

    def __init__(self, calls: RunCalls | None, **kwargs: Any) -> None:
        self._calls = calls
        super().__init__(**kwargs)

    def initialize_system_prompt(self) -> str:
        """In an any-agent run the model is sent the instructions (see `Conversation`): no template to render."""
        if self._calls is None:
            return str(super().initialize_system_prompt())
        return self._calls.conversation.system

    def execute_tool_call(self, tool_name: str, arguments: dict[str, Any] | str) -> Any:
        """Core tools (and names no tool has) through the core; smolagents' own tools as usual."""
        if self._calls is None or tool_name == FINAL_ANSWER or tool_name in self._calls.toolset.native:
            return super().execute_tool_call(tool_name, arguments)
        return self._calls(tool_name, arguments)
