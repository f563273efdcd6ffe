"""`LlamaIndexAdapter`: an `AgentConfig` as LlamaIndex's `FunctionAgent`, run by its workflow engine."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from llama_index.core.agent.workflow import AgentOutput, FunctionAgent
from llama_index.core.agent.workflow.base_agent import WORKFLOW_KWARGS
from llama_index.core.tools import BaseTool
from llama_index.core.workflow import WorkflowRuntimeError, WorkflowTimeoutError, WorkflowValidationError

from any_agent.adapter import Adapter
from any_agent.adapter_kit import check_agent_args, framework_turn_limit
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec
from any_agent_llama_index.messages import Transcript, to_llama_messages
from any_agent_llama_index.model_bridge import ModelBridge
from any_agent_llama_index.tool_bridge import ToolBridge

__all__ = ["LlamaIndexAdapter"]

_OWNED = {
    "llm": "AgentConfig.model_id, api_base and api_key (every model call goes through any-agent)",
    "system_prompt": "AgentConfig.instructions",
    "name": "AgentConfig.name",
    "description": "AgentConfig.description",
    "output_cls": "AgentConfig.output_type",
    "structured_output_fn": "AgentConfig.output_type",
    "streaming": "Agent.stream (streaming is any-agent's, on every framework)",
    "tool_retriever": "AgentConfig.tools (the model is offered the same tools on every turn)",
    "can_handoff_to": "AgentConfig.tools (agents as tools: put an AgentConfig in tools)",
    "max_iterations": "AgentConfig.max_turns",
    "memory": "the run's input (Agent.run takes a prompt or a list of chat messages)",
}
_ACCEPTED = frozenset({*FunctionAgent.model_fields, *WORKFLOW_KWARGS, *_OWNED})
_QUIET = {"verbose": False, "timeout": None}
"""LlamaIndex prints each workflow step with ``verbose``; a run's time is bounded by the core's timeouts."""


class LlamaIndexAdapter(Adapter):
    """Runs agents on LlamaIndex's `FunctionAgent`, with the core as its LLM and its tools."""

    framework: ClassVar[str] = "llama_index"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        agent_args = dict(config.agent_args)
        check_agent_args(agent_args, framework="LlamaIndex's FunctionAgent", accepted=_ACCEPTED, owned=_OWNED)
        own_tools = list(agent_args.pop("tools", None) or [])
        if not all(isinstance(tool, BaseTool) for tool in own_tools):
            raise ConfigError("'tools' takes LlamaIndex tools; put callables in AgentConfig.tools", field="agent_args")
        self._own_tools: list[BaseTool] = own_tools
        self.toolset = Toolset(self.tools, native=[tool.metadata.get_name() for tool in own_tools])
        self._options = {**_QUIET, **agent_args}
        try:
            self._native = self._build(None)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"LlamaIndex rejected the agent: {error}", field="agent_args") from None

    @property
    def native(self) -> FunctionAgent:
        """A `FunctionAgent` built from the config; its LLM and tools are the core bridges."""
        return self._native

    async def run(self, run: RunContext) -> Any:
        """A `FunctionAgent` for this run, given the whole input as its chat history."""
        handler = self._build(run).run(
            chat_history=to_llama_messages(run.input_messages),
            memory=Transcript(),
            # The core stops the run at max_turns; LlamaIndex's own limit is one past it, never first.
            max_iterations=framework_turn_limit(run.config.max_turns, run),
        )
        try:
            output: AgentOutput = await handler
        except asyncio.CancelledError:
            await handler.cancel_run()  # the workflow's steps run in tasks of their own
            raise
        return output.response.content or ""

    def describe_error(self, error: BaseException) -> str:
        """What LlamaIndex's own errors mean for the user."""
        if isinstance(error, WorkflowTimeoutError):
            return f"LlamaIndex's workflow timed out: {error}; raise or remove agent_args['timeout']"
        if isinstance(error, WorkflowValidationError | WorkflowRuntimeError):
            return f"LlamaIndex's workflow failed: {type(error).__name__}: {error}"
        return super().describe_error(error)

    def _build(self, run: RunContext | None) -> FunctionAgent:
        return FunctionAgent(
            name=self.config.name,
            description=self.config.description or "An agent that can perform a task",
            system_prompt=self.config.instructions,
            tools=[*(ToolBridge(spec, self.toolset, run) for spec in self.toolset.bridged), *self._own_tools],
            llm=ModelBridge(self.model, self.toolset, output_type=self.config.output_type, run=run),
            # In a run the core streams every model call (Agent.stream); the native agent streams as LlamaIndex does.
            streaming=run is None,
            **self._options,
        )
