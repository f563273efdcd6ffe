"""The model bridge: a CrewAI LLM whose every call is a call of the core `ModelClient`.

CrewAI never reaches a provider by itself (no LiteLLM, no provider SDK): the core owns the
connection, retries, ``max_turns`` and the ``chat`` span. Native function calling is declared so
that CrewAI runs its tool-calling loop instead of parsing ReAct text.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from crewai.events.types.llm_events import LLMCallType
from crewai.llms.base_llm import BaseLLM, llm_call_context
from crewai.utilities.string_utils import sanitize_tool_name
from crewai.utilities.types import LLMMessage
from pydantic import BaseModel, PrivateAttr

from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.model.types import Message, ModelResponse
from any_agent.tools.dispatch import Toolset
from any_agent_crewai.messages import Conversation

__all__ = ["EMPTY_ANSWER", "ModelBridge"]

EMPTY_ANSWER = " "
"""What CrewAI is handed for an empty answer: it treats "" as a failed model call."""


class ModelBridge(BaseLLM):
    """A CrewAI ``BaseLLM`` over the core model client, bound to one run (or to none, for `native`)."""

    llm_type: str = "any_agent"
    _client: ModelClient = PrivateAttr()
    _conversation: Conversation = PrivateAttr()
    _context: RunContext | None = PrivateAttr(default=None)
    _toolset: Toolset = PrivateAttr()
    _definitions: dict[str, dict[str, Any]] = PrivateAttr(default_factory=dict)
    _output_type: type[BaseModel] | None = PrivateAttr(default=None)

    @classmethod
    def bound(
        cls,
        client: ModelClient,
        toolset: Toolset,
        output_type: type[BaseModel] | None,
        conversation: Conversation,
        run: RunContext | None,
    ) -> ModelBridge:
        """The bridge for one run: the run is held explicitly, since CrewAI calls from worker threads."""
        llm = cls(model=str(client.model_id), provider=client.provider)
        llm._client, llm._conversation, llm._context, llm._output_type = client, conversation, run, output_type
        llm._toolset = toolset
        # The model is offered the core's own definitions, not CrewAI's strict-mode rewrite of them.
        llm._definitions = {sanitize_tool_name(spec.name): spec.definition() for spec in toolset.specs}
        return llm

    def supports_function_calling(self) -> bool:
        """Always: tool calls go through the core client's native function calling."""
        return True

    def supports_stop_words(self) -> bool:
        """Never: CrewAI's ReAct stop words would cut the model's answer short."""
        return False

    def call(
        self,
        messages: str | list[LLMMessage],
        tools: list[dict[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        available_functions: dict[str, Any] | None = None,
        from_task: Any | None = None,
        from_agent: Any | None = None,
        response_model: type[BaseModel] | None = None,
    ) -> Any:
        """One model call; tool calls are returned to CrewAI for it to run (never run here)."""
        history = self._history(messages)
        with llm_call_context():
            self._emit_call_started_event(messages=messages, tools=tools, from_task=from_task, from_agent=from_agent)
            try:
                response = self._client.complete_sync(
                    self._conversation.request(history), run=self._context, **self._options(tools, response_model)
                )
            except Exception as error:
                self._emit_call_failed_event(error=str(error), from_task=from_task, from_agent=from_agent)
                raise
            return self._answer(response, from_task, from_agent)

    # The core already retries per AgentConfig.max_retries; CrewAI's retry on top would multiply attempts.
    call._crewai_rate_limit_wrapped = True  # type: ignore[attr-defined]

    async def acall(
        self,
        messages: str | list[LLMMessage],
        tools: list[dict[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        available_functions: dict[str, Any] | None = None,
        from_task: Any | None = None,
        from_agent: Any | None = None,
        response_model: type[BaseModel] | None = None,
    ) -> Any:
        """`call` for CrewAI's async paths (``akickoff`` on the native agent), on a worker thread."""
        arguments = (messages, tools, callbacks, available_functions, from_task, from_agent, response_model)
        return await asyncio.to_thread(self.call, *arguments)

    acall._crewai_rate_limit_wrapped = True  # type: ignore[attr-defined]

    @staticmethod
    def _history(messages: str | list[LLMMessage]) -> list[Message]:
        # The same dict objects, not copies: `Conversation.request` recognises CrewAI's prefix by identity.
        return [{"role": "user", "content": messages}] if isinstance(messages, str) else cast(list[Message], messages)

    def _options(self, tools: list[dict[str, Any]] | None, response_model: type[BaseModel] | None) -> dict[str, Any]:
        definitions = [self._definitions.get(tool.get("function", {}).get("name"), tool) for tool in tools or []]
        # Like every adapter, the config's output_type is asked for on every call, tool turns included.
        return {"tools": definitions or None, "response_format": self._output_type or response_model}

    def _answer(self, response: ModelResponse, from_task: Any, from_agent: Any) -> Any:
        usage = {
            "prompt_tokens": response.usage.input_tokens,
            "completion_tokens": response.usage.output_tokens,
            "total_tokens": response.usage.total_tokens,
        }
        self._track_token_usage_internal(usage)
        answer: Any
        if response.tool_calls:
            # Arguments CrewAI can parse, and calls of unknown tools to the core's catch-all: CrewAI
            # never answers the model in its own words.
            answer = [call.to_openai() for call in self._toolset.handover(response, parse=True).tool_calls]
        else:
            self._conversation.last_reply = response.content or ""
            # CrewAI rejects an empty answer as an error; the adapter gives the run the model's own
            # (empty) answer back, as every framework does (see `CrewAIAdapter._kickoff`).
            answer = response.parsed if response.parsed is not None else response.content or EMPTY_ANSWER
        self._emit_call_completed_event(
            response=answer,
            call_type=LLMCallType.TOOL_CALL if response.tool_calls else LLMCallType.LLM_CALL,
            from_task=from_task,
            from_agent=from_agent,
            usage=usage,
            finish_reason=response.finish_reason,
            response_id=response.response_id,
        )
        return answer
