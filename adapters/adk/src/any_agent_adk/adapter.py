"""`ADKAdapter`: an `AgentConfig` as an ADK `LlmAgent`, run by ADK's own `Runner`, one session per run."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from google.adk.agents import LlmAgent
from google.adk.agents.invocation_context import LlmCallsLimitExceededError
from google.adk.agents.run_config import RunConfig
from google.adk.events import Event
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.adk.tools.base_tool import BaseTool
from pydantic import ValidationError

from any_agent.adapter import Adapter
from any_agent.adapter_kit import check_agent_args, framework_turn_limit
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec
from any_agent_adk import telemetry
from any_agent_adk.contents import to_contents
from any_agent_adk.model_bridge import ModelBridge
from any_agent_adk.tool_bridge import RUN_KEY, ToolBridge

__all__ = ["TELEMETRY_KEY", "ADKAdapter"]

TELEMETRY_KEY = "telemetry"
"""The ``agent_args`` key that lets ADK's own OpenTelemetry spans through (``True``); off by default,
since the core traces every run."""

_OWNED = {
    "model": "AgentConfig.model_id, api_base and api_key (every model call goes through any-agent)",
    "instruction": "AgentConfig.instructions",
    "static_instruction": "AgentConfig.instructions",
    "global_instruction": "AgentConfig.instructions",
    "name": "AgentConfig.name",
    "description": "AgentConfig.description",
    "output_schema": "AgentConfig.output_type",
    "sub_agents": "AgentConfig.tools (agents as tools)",
    "parent_agent": "nothing: the agent is the root of its own runner",
    "retry_config": "AgentConfig.max_retries (the core retries every model call)",
}
_ACCEPTED = frozenset({*LlmAgent.model_fields, TELEMETRY_KEY})
_APP = "any_agent"
_USER = "user"

telemetry.install()


class ADKAdapter(Adapter):
    """Runs agents on Google's Agent Development Kit, with the core as its model and its tools."""

    framework: ClassVar[str] = "adk"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        agent_args = dict(config.agent_args)
        check_agent_args(agent_args, framework="ADK's LlmAgent", accepted=_ACCEPTED, owned=_OWNED)
        self._telemetry = agent_args.pop(TELEMETRY_KEY, False)
        if not isinstance(self._telemetry, bool):
            raise ConfigError(f"{TELEMETRY_KEY} must be True or False", field="agent_args")
        own_tools = list(agent_args.pop("tools", []))
        if not all(isinstance(tool, BaseTool) for tool in own_tools):
            raise ConfigError(
                "'tools' takes ADK tools (BaseTool); put callables in AgentConfig.tools", field="agent_args"
            )
        self.toolset = Toolset(self.tools, native=[tool.name for tool in own_tools])
        instructions = config.instructions or ""
        try:
            self._agent = LlmAgent(
                name=_identifier(config.name),
                description=config.description or "",
                model=ModelBridge(model, self.toolset, output_type=config.output_type),
                # A provider, not a string: ADK would fill `{placeholders}` in a string from session state.
                instruction=lambda _context: instructions,
                tools=[*(ToolBridge(spec, self.toolset) for spec in self.toolset.bridged), *own_tools],
                **agent_args,
            )
        except (ValidationError, ValueError, TypeError) as error:
            raise ConfigError(f"ADK rejected the agent: {error}", field="agent_args") from None

    @property
    def native(self) -> LlmAgent:
        """The ADK `LlmAgent`; its model and tools are the core bridges, so its calls are traced by any-agent too."""
        return self._agent

    async def run(self, run: RunContext) -> Any:
        """One ADK invocation on a fresh in-memory session holding the run's input as its history."""
        token = telemetry.quiet.set(not self._telemetry)
        try:
            return await self._run(run)
        finally:
            telemetry.quiet.reset(token)

    async def _run(self, run: RunContext) -> str:
        agent = self._agent.clone(update={"model": ModelBridge(self.model, self.toolset, run=run)})
        sessions = InMemorySessionService()
        runner = Runner(app_name=_APP, agent=agent, session_service=sessions)
        session = await sessions.create_session(app_name=_APP, user_id=_USER)
        *history, last = to_contents(run.input_messages)
        for content in history:
            author = _USER if content.role == "user" else agent.name
            await sessions.append_event(session, Event(author=author, invocation_id="history", content=content))
        run_config = RunConfig(
            max_llm_calls=framework_turn_limit(run.config.max_turns, run),
            custom_metadata={RUN_KEY: run},
        )
        answer = ""
        try:
            events = runner.run_async(user_id=_USER, session_id=session.id, new_message=last, run_config=run_config)
            async for event in events:
                if event.author == agent.name and event.is_final_response() and event.content is not None:
                    answer = "".join(part.text or "" for part in event.content.parts or [] if not part.thought)
        finally:
            await runner.close()
        return answer

    def describe_error(self, error: BaseException) -> str:
        """What ADK's own exceptions mean for the user."""
        if isinstance(error, LlmCallsLimitExceededError):
            return f"ADK stopped at its model-call limit: {error}; raise AgentConfig.max_turns"
        return super().describe_error(error)


def _identifier(name: str) -> str:
    """ADK takes only Python identifiers as agent names; the core's spans keep ``AgentConfig.name``."""
    cleaned = re.sub(r"\W", "_", name) or "agent"
    return cleaned if cleaned.isidentifier() else f"agent_{cleaned}"
