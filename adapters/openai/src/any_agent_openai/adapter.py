"""`OpenAIAgentsAdapter`: an `AgentConfig` as an OpenAI Agents SDK `Agent`, run by its `Runner`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, ClassVar

from agents import Agent as SDKAgent
from agents import RunConfig, Runner
from agents.agent_output import AgentOutputSchema
from agents.exceptions import (
    AgentsException,
    InputGuardrailTripwireTriggered,
    ModelBehaviorError,
    ModelRefusalError,
    OutputGuardrailTripwireTriggered,
    ToolTimeoutError,
    UserError,
)
from agents.model_settings import ModelSettings
from pydantic import BaseModel

from any_agent.adapter import Adapter
from any_agent.adapter_kit import check_agent_args, framework_turn_limit
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient
from any_agent.output import coerce_output
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec
from any_agent_openai.messages import to_input_items
from any_agent_openai.model_bridge import ModelBridge
from any_agent_openai.tool_bridge import UnknownToolAnswer, function_tool

__all__ = ["OpenAIAgentsAdapter"]

RUN_CONFIG_KEY = "run_config"
"""The ``agent_args`` key whose value (a `RunConfig` or a dict of its fields) configures every run."""

_OWNED = {"model": "AgentConfig.model_id, api_base and api_key (every model call goes through any-agent)"}
_ACCEPTED = frozenset({*(field.name for field in dataclasses.fields(SDKAgent)), RUN_CONFIG_KEY})


class OpenAIAgentsAdapter(Adapter):
    """Runs agents on the OpenAI Agents SDK, with the core as its model and its tools."""

    framework: ClassVar[str] = "openai"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        agent_args = dict(config.agent_args)
        check_agent_args(agent_args, framework="the OpenAI Agents SDK's Agent", accepted=_ACCEPTED, owned=_OWNED)
        given_run_config = agent_args.pop(RUN_CONFIG_KEY, None)
        extra_tools = list(agent_args.pop("tools", []))
        self.toolset = Toolset(self.tools, native=[tool.name for tool in extra_tools])
        self._agent: SDKAgent[Any] = SDKAgent(
            **{
                "name": config.name,
                "instructions": config.instructions,
                "handoff_description": config.description,
                "output_type": _OutputSchema(config.output_type) if config.output_type else None,
                # Not the SDK's default, which depends on OPENAI_DEFAULT_MODEL (GPT-5 reasoning settings).
                "model_settings": ModelSettings(),
                **agent_args,
                "tools": [*(function_tool(spec, self.toolset) for spec in self.toolset.specs), *extra_tools],
                "model": ModelBridge(model),
            }
        )
        self._run_config = _run_config(given_run_config)

    @property
    def native(self) -> SDKAgent[Any]:
        """The SDK `Agent`; its model is the core bridge, so its calls are traced by any-agent too."""
        return self._agent

    async def run(self, run: RunContext) -> Any:
        """Run the SDK's loop (its own turn limit one past the core's, which decides: `framework_turn_limit`)."""
        # The run's own model bridge (RunConfig.model wins over every agent's model, handoffs'
        # included), so each model call knows its run without relying on context variables. Calls
        # of tools the SDK does not have are answered by the core, in the words of every framework.
        run_config = dataclasses.replace(
            self._run_config,
            model=ModelBridge(self.model, run),
            tool_not_found_behavior="return_error_to_model",
            tool_error_formatter=UnknownToolAnswer(self.toolset, run, self._run_config.tool_error_formatter),
        )
        result = await Runner.run(
            self._agent,
            to_input_items(run.input_messages),
            context=run,
            max_turns=framework_turn_limit(self.config.max_turns, run),
            run_config=run_config,
        )
        return result.final_output

    def describe_error(self, error: BaseException) -> str:
        """Say what the SDK's own exceptions mean for the user."""
        sdk = "the OpenAI Agents SDK"
        if isinstance(error, ModelRefusalError):
            return f"the model refused to answer: {error}"
        if isinstance(error, ModelBehaviorError):
            return (
                f"the model's reply could not be used by {sdk}: {error}. Check the last chat span of the trace; a "
                "structured answer must be JSON that fits output_type"
            )
        if isinstance(error, InputGuardrailTripwireTriggered | OutputGuardrailTripwireTriggered):
            name = error.guardrail_result.guardrail.get_name()
            return f"guardrail {name!r} (from agent_args) stopped the run: {error}"
        if isinstance(error, ToolTimeoutError):
            return f"{error}; raise the tool's timeout_seconds or let it return sooner"
        if isinstance(error, UserError):
            return f"{sdk} rejected the agent's setup: {error}. Check agent_args and agent_args['{RUN_CONFIG_KEY}']"
        if isinstance(error, AgentsException):
            return f"{sdk} failed during the run: {type(error).__name__}: {error}"
        return super().describe_error(error)


class _OutputSchema(AgentOutputSchema):
    """The SDK's output schema, checked by the core as on every framework.

    Not strict: strict mode requires every field (optional ones too) and validates in pydantic's
    strict mode. The answer is validated by the core's `coerce_output` (code fences accepted, the
    same `OutputError` and message on every framework when it does not fit).
    """

    def __init__(self, output_type: type[BaseModel]) -> None:
        super().__init__(output_type, strict_json_schema=False)
        self._model_type = output_type

    def validate_json(self, json_str: str) -> Any:
        return coerce_output(json_str, self._model_type)


def _run_config(given: RunConfig | dict[str, Any] | None) -> RunConfig:
    """The base `RunConfig` of every run: the SDK's trace export off unless the user asks for it.

    A `RunConfig` instance is taken as written (its ``tracing_disabled`` defaults to False, the
    SDK's tracing on); a dict is applied over any-agent's defaults, so tracing stays off unless the
    dict says ``"tracing_disabled": False``.
    """
    defaults: dict[str, Any] = {"tracing_disabled": True}
    if isinstance(given, RunConfig):
        return given
    if given is None or isinstance(given, dict):
        try:
            return RunConfig(**{**defaults, **(given or {})})
        except TypeError as error:
            raise ConfigError(f"{RUN_CONFIG_KEY}: {error}", field="agent_args") from None
    raise ConfigError(f"{RUN_CONFIG_KEY} must be an agents.RunConfig or a dict of its fields", field="agent_args")
