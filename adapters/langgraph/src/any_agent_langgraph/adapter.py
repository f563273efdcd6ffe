"""`LangGraphAdapter`: an `AgentConfig` as a LangChain v1 agent graph (`langchain.agents.create_agent`).

``create_agent`` is the current way to build a tool-calling agent on LangGraph 1.x; it replaces the
deprecated ``langgraph.prebuilt.create_react_agent`` and adds middleware and structured-output
strategies. The graph is compiled once and shared by every run; each invocation carries its run in
its config (see `any_agent_langgraph.binding`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from langchain.agents import create_agent
from langchain.agents.structured_output import ProviderStrategy, StructuredOutputError, StructuredOutputValidationError
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphRecursionError, InvalidUpdateError
from langgraph.pregel import Pregel

from any_agent.adapter import Adapter
from any_agent.adapter_kit import check_agent_args, framework_turn_limit
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient
from any_agent.tools.spec import ToolSpec
from any_agent_langgraph.binding import CONFIG_KEY, RunBinding
from any_agent_langgraph.messages import to_langchain
from any_agent_langgraph.model_bridge import ModelBridge
from any_agent_langgraph.tool_bridge import ToolBridge

__all__ = ["GraphFactory", "LangGraphAdapter", "RunInterrupted"]

GraphFactory = Callable[[ModelBridge, list[ToolBridge]], Pregel[Any, Any, Any, Any]]
"""``agent_args["graph"]``: builds the user's own graph from the core's model and tool bridges."""

# create_agent parameters that AgentConfig fields own.
_OWNED = {
    "model": "AgentConfig.model_id",
    "tools": "AgentConfig.tools",
    "system_prompt": "AgentConfig.instructions",
    "name": "AgentConfig.name",
}
_ONCE_PER_RUN = (".before_agent", ".after_agent")


class RunInterrupted(RuntimeError):
    """The graph paused (a LangGraph interrupt) instead of finishing the run."""


class LangGraphAdapter(Adapter):
    """Runs agents as LangGraph graphs built by ``create_agent`` (or by the user's graph factory)."""

    framework: ClassVar[str] = "langgraph"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        self.chat_model = ModelBridge(client=model, toolset=self.toolset, output_type=config.output_type)
        self.lc_tools = [ToolBridge.from_spec(spec, self.toolset) for spec in self.toolset.bridged]
        args = dict(config.agent_args)
        factory = args.pop("graph", None)
        self._preamble: list[BaseMessage] = []
        if factory is None:
            self.graph: Pregel[Any, Any, Any, Any] = create_agent(
                self.chat_model, self.lc_tools, **self._create_agent_args(args)
            )
        elif args:
            raise ConfigError(
                f"'graph' replaces create_agent, so {sorted(args)} would be ignored; pass them to your own "
                "graph instead",
                field="agent_args",
            )
        elif not callable(factory):
            raise ConfigError("'graph' must be a callable (model, tools) -> compiled graph", field="agent_args")
        else:
            self.graph = factory(self.chat_model, list(self.lc_tools))
            if not isinstance(self.graph, Pregel):
                raise ConfigError(
                    "'graph' must return a compiled LangGraph graph (builder.compile())", field="agent_args"
                )
            if config.instructions:
                self._preamble.append(SystemMessage(content=config.instructions))
        nodes = [name for name in self.graph.nodes if not name.startswith("__")]
        self._once = sum(name.endswith(_ONCE_PER_RUN) for name in nodes)
        self._per_turn = max(len(nodes) - self._once, 1)

    def _create_agent_args(self, args: dict[str, Any]) -> dict[str, Any]:
        accepted = {*inspect.signature(create_agent).parameters, "graph"}
        check_agent_args(args, framework="langchain's create_agent", accepted=accepted, owned=_OWNED)
        output_type = self.config.output_type
        return {
            "system_prompt": self.config.instructions,
            "name": self.config.name,
            # The provider strategy asks for the output schema on every model call, as `tiny` does.
            "response_format": ProviderStrategy(output_type) if output_type is not None else None,
            **args,
        }

    @property
    def native(self) -> Pregel[Any, Any, Any, Any]:
        """The compiled LangGraph graph."""
        return self.graph

    def recursion_limit(self, turns: int) -> int:
        """LangGraph steps for ``turns`` model turns: every loop node once per turn, agent hooks once."""
        return self._per_turn * turns + self._once

    async def run(self, run: RunContext) -> Any:
        """One graph invocation; its recursion limit is a turn past the core's count (`framework_turn_limit`)."""
        limit = self.recursion_limit(framework_turn_limit(run.config.max_turns, run))
        config: RunnableConfig = {
            "recursion_limit": limit,
            "configurable": {"thread_id": run.conversation_id, CONFIG_KEY: RunBinding(run)},
        }
        try:
            state = await self.graph.ainvoke({"messages": [*self._preamble, *to_langchain(run.input_messages)]}, config)
        except StructuredOutputValidationError as error:
            return error.ai_message.text  # the core reports an answer that does not fit, as for every framework
        if not isinstance(state, dict):
            return state
        if state.get("structured_response") is not None:
            return state["structured_response"]
        messages = state.get("messages") or [None]
        if state.get("__interrupt__") or (isinstance(messages[-1], AIMessage) and messages[-1].tool_calls):
            raise RunInterrupted(
                "the graph stopped before the end of the run (an interrupt from interrupt_before/after or a "
                "human-in-the-loop middleware in agent_args). any-agent runs agents to completion; to pause and "
                f"resume, drive agent.native yourself with thread_id={run.conversation_id!r}."
            )
        answers = [message for message in messages if isinstance(message, AIMessage)]
        return answers[-1].text if answers else None

    def describe_error(self, error: BaseException) -> str:
        """Say which agent_args to look at for the LangChain/LangGraph errors a user can cause."""
        if isinstance(error, StructuredOutputError):
            return (
                f"LangChain could not get the structured output from the model's answer: {error}. Check that "
                "the model supports structured output, or pick a strategy with agent_args['response_format']."
            )
        if isinstance(error, GraphRecursionError):
            return (
                f"LangGraph's recursion limit stopped the graph before max_turns did ({error}): its loop runs more "
                "steps per model call than its nodes show. If you passed a 'graph' factory in agent_args, check it."
            )
        if isinstance(error, InvalidUpdateError):
            return (
                f"a LangGraph node returned an update the graph cannot apply: {error}. If you passed a 'graph' "
                "factory or middleware in agent_args, check what its nodes return."
            )
        return super().describe_error(error)
