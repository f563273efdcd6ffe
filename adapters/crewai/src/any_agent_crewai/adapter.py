"""`CrewAIAdapter`: runs an `AgentConfig` as a CrewAI ``Agent`` through ``Agent.kickoff``.

``kickoff`` rather than a one-agent ``Crew``: it takes the conversation as messages (history
included), returns the model's answer as it is (a ``Crew`` task turns the input into a task
description, retries a failed task and may re-format the output with an extra model call), and it
emits no crew telemetry. CrewAI objects are stateful, so each run builds its own agent (cheap) with
bridges bound to that run, and runs the synchronous ``kickoff`` on a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar, cast

from crewai import Agent
from crewai.hooks.dispatch import HookAborted
from crewai.lite_agent_output import LiteAgentOutput
from crewai.tools import BaseTool
from crewai.tools.tool_failure import ToolExecutionFailedError
from crewai.utilities.types import LLMMessage
from pydantic import ValidationError

from any_agent.adapter import Adapter, run_blocking
from any_agent.adapter_kit import check_agent_args, framework_turn_limit
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient
from any_agent.tools.spec import ToolSpec
from any_agent_crewai.console import quiet_crewai, run_verbosity
from any_agent_crewai.messages import Conversation
from any_agent_crewai.model_bridge import EMPTY_ANSWER, ModelBridge
from any_agent_crewai.tool_bridge import ToolBridge, spec_for

__all__ = ["CrewAIAdapter"]

_DEFAULT_GOAL = "Respond to the user's request."
_OWNED = {
    "llm": "AgentConfig.model_id, api_base and api_key (every model call goes through any-agent)",
    "function_calling_llm": "AgentConfig.model_id (every model call goes through any-agent)",
}
# Off unless agent_args turn them on: each would add model calls, cached or deferred tool results, or files.
_QUIET = {"cache": False, "respect_context_window": False, "use_better_compaction": False, "verbose": False}
_FINAL_ANSWER = "Final Answer:"

quiet_crewai()


class CrewAIAdapter(Adapter):
    """Runs agents on CrewAI 1.x."""

    framework: ClassVar[str] = "crewai"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        self._agent_args = dict(config.agent_args)
        check_agent_args(self._agent_args, framework="crewai.Agent", accepted=Agent.model_fields, owned=_OWNED)
        native_tools = self._agent_args.pop("tools", None) or []
        if not all(isinstance(tool, BaseTool) for tool in native_tools):
            raise ConfigError("'tools' takes CrewAI tools; put callables in AgentConfig.tools", field="agent_args")
        self.tools += [spec_for(tool) for tool in native_tools]
        names = [tool.name for tool in self.tools]
        if len(set(names)) != len(names):
            raise ConfigError(f"two tools share a name among {names}", field="agent_args")
        try:
            self._native = self._build(Conversation(None), None)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors())
            raise ConfigError(f"CrewAI rejected the agent: {problems}", field="agent_args") from None

    @property
    def native(self) -> Agent:
        """A CrewAI ``Agent`` built from the config; usable on its own (its calls are not traced by a run)."""
        return self._native

    async def run(self, run: RunContext) -> Any:
        """Kick off a fresh CrewAI agent for this run on a worker thread and return its answer."""
        conversation = Conversation(list(run.input_messages))
        try:
            return await run_blocking(self._kickoff, conversation, run)
        except asyncio.CancelledError:
            run.fail(asyncio.CancelledError("the run was cancelled"))  # stops CrewAI at its next model call
            raise

    def describe_error(self, error: BaseException) -> str:
        """Name what to fix for CrewAI's own stop conditions."""
        if isinstance(error, ToolExecutionFailedError):
            return (
                f"crewai stopped the run on a tool failure ({error}); fix the tool, or relax the "
                "tool_failure_policy given in agent_args"
            )
        if isinstance(error, HookAborted):
            return f"a CrewAI hook aborted the run: {error}"
        return super().describe_error(error)

    def _kickoff(self, conversation: Conversation, run: RunContext) -> Any:
        agent = self._build(conversation, run)
        # CrewAI's console panels follow the agent's verbose flag (default: quiet), in this run's
        # context only: this thread's context is its own (see `any_agent_crewai.console`).
        run_verbosity.set(bool(agent.verbose))
        output = agent.kickoff(cast(list[LLMMessage], list(run.input_messages)))
        if not isinstance(output, LiteAgentOutput):
            raise RuntimeError(f"crewai's Agent.kickoff returned {type(output).__name__}, not its output")
        if output.pydantic is not None:
            return output.pydantic
        return _without_react_extraction(output.raw, conversation.last_reply)

    def _build(self, conversation: Conversation, run: RunContext | None) -> Agent:
        llm = ModelBridge.bound(self.model, self.toolset, self.config.output_type, conversation, run)
        options: dict[str, Any] = {
            "role": self.config.name,
            "goal": self.config.description or _DEFAULT_GOAL,
            "backstory": self.config.instructions or "",
            "max_iter": framework_turn_limit(self.config.max_turns, run),
            **_QUIET,
            **self._agent_args,
        }
        tools = [ToolBridge.bound(spec, self.toolset, run) for spec in self.toolset.bridged]
        agent = Agent(llm=llm, tools=tools, **options)
        if agent.llm is not llm:  # an active crewai llm_overlay swapped the model
            raise ConfigError("a crewai llm_overlay replaced the agent's model; any-agent must make every model call")
        return agent


def _without_react_extraction(raw: str, last_reply: str | None) -> str:
    """CrewAI's answer, with the reply kept whole where its ReAct parser cut it at "Final Answer:".

    Without tools CrewAI parses the reply as ReAct text; the answer must be exactly what the model said.
    """
    if last_reply == "" and raw.strip() == EMPTY_ANSWER.strip():
        return ""  # the model answered nothing: CrewAI was handed a placeholder
    if not last_reply or raw == last_reply or _FINAL_ANSWER not in last_reply:
        return raw
    extracted = last_reply.split(_FINAL_ANSWER)[-1].strip().removesuffix("```").rstrip()
    return last_reply if raw == extracted else raw
