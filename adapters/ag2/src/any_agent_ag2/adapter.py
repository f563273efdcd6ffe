"""`AG2Adapter`: an `AgentConfig` as an AG2 1.x `ag2.Agent`."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar

import ag2
from ag2.exceptions import HumanInputError, UnsupportedInputError, UnsupportedToolError
from ag2.middleware import Middleware
from pydantic import ValidationError

from any_agent.adapter import Adapter
from any_agent.adapter_kit import check_agent_args, is_instruction
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec
from any_agent_ag2.messages import to_events
from any_agent_ag2.model_bridge import RUN_KEY, ModelBridge, TurnLimit
from any_agent_ag2.tool_bridge import ToolBridge

__all__ = ["AG2Adapter"]

_ACCEPTED = frozenset(inspect.signature(ag2.Agent.__init__).parameters) - {"self"}


class AG2Adapter(Adapter):
    """Runs agents on AG2 (``ag2.Agent``), one fresh AG2 stream per run."""

    framework: ClassVar[str] = "ag2"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        check_agent_args(
            config.agent_args,
            framework="ag2.Agent",
            accepted=_ACCEPTED,
            owned={"config": "AgentConfig.model_id, api_base and api_key (the model config is any-agent's bridge)"},
        )
        # agent_args win over the translated fields: a user may want a dynamic prompt, say.
        args: dict[str, Any] = {
            "name": config.name,
            "prompt": config.instructions or (),
            "response_schema": config.output_type,
            **config.agent_args,
        }
        native = list(args.get("tools", ()))
        self.toolset = Toolset(
            self.tools,
            native=[
                name for tool in native if (name := getattr(tool, "name", None) or getattr(tool, "__name__", None))
            ],
        )
        args["tools"] = [*(ToolBridge(spec, self.toolset) for spec in self.toolset.bridged), *native]
        self._agent: ag2.Agent[Any] = ag2.Agent(config=ModelBridge(model, self.toolset), **args)
        # Innermost, so it counts the model calls that actually happen (after any user middleware).
        self._agent.add_middleware(Middleware(TurnLimit, max_turns=config.max_turns))

    @property
    def native(self) -> ag2.Agent[Any]:
        """The ``ag2.Agent``; its config is the any-agent model bridge."""
        return self._agent

    async def run(self, run: RunContext) -> Any:
        """One AG2 turn on a fresh stream: 50 concurrent runs share the agent, never a stream."""
        if all(is_instruction(message) for message in run.input_messages):
            raise ValueError("ag2 needs a user message to answer; the input holds only system messages")
        events = to_events(run.input_messages)
        # `resume` seeds a fresh stream with all but the last event and triggers the turn with the
        # last (the new user message), so prior turns are real AG2 history.
        reply = await self._agent.resume(
            *events,
            dependencies={RUN_KEY: run},
        )
        try:
            return await reply.content()
        except ValidationError:
            return reply.body  # the core reports an answer that does not fit output_type, as for every framework

    def describe_error(self, error: BaseException) -> str:
        """Say which agent_args fix the AG2 errors a user can act on."""
        if isinstance(error, HumanInputError):
            return (
                "ag2: a tool or middleware asked for human input and nobody could answer "
                f"({type(error).__name__}: {error}); pass agent_args={{'hitl_hook': ...}} to answer it"
            )
        if isinstance(error, UnsupportedToolError | UnsupportedInputError):
            return f"ag2: {error}. The any-agent bridge sends text, images and function tools only."
        return super().describe_error(error)
