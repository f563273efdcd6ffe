"""pydantic-ai's `Model` over the core `ModelClient`: pydantic-ai never calls a provider.

Every request is one core ``complete`` call (chat completions, any any-llm provider), so it is
traced, retried, counted against ``max_turns`` and, in a streamed run, streamed by the core.
`request_stream` serves pydantic-ai's own streaming (``native.run_stream``) from the core's stream.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pydantic_ai import RunContext as PydanticRunContext
from pydantic_ai.messages import (
    FinishReason,
    InstructionPart,
    ModelMessage,
    ModelResponse,
    ModelResponseStreamEvent,
    TextPart,
    ToolCallPart,
)
from pydantic_ai.models import Model, ModelRequestParameters, StreamedResponse
from pydantic_ai.settings import ModelSettings
from pydantic_ai.tools import ToolDefinition
from pydantic_ai.usage import RequestUsage

from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.model.types import FinalResponse, Message, StreamChunk, TextDelta
from any_agent.model.types import ModelResponse as CoreResponse
from any_agent.tools.dispatch import Toolset
from any_agent_pydantic_ai.messages import to_core_messages

__all__ = ["ModelBridge"]

_SETTINGS = {
    "temperature": "temperature",
    "top_p": "top_p",
    "max_tokens": "max_tokens",
    "seed": "seed",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
    "logit_bias": "logit_bias",
    "parallel_tool_calls": "parallel_tool_calls",
    "stop_sequences": "stop",
}
"""`ModelSettings` keys passed on as completion parameters (`AgentConfig.model_args` win over them).

Timeouts and retries are the core's (`AgentConfig.request_timeout`, ``max_retries``), so pydantic-ai's
``timeout`` and ``max_retries`` settings are not passed on.
"""

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_call",
    "content_filter": "content_filter",
}


class ModelBridge(Model):
    """A pydantic-ai model whose every request is a core `ModelClient.complete`.

    One instance per run carries that run (``run``) and its ``output_type``; the agent's own
    instance (``run`` None) falls back to the core's current run, for users driving ``native``.
    """

    def __init__(
        self,
        client: ModelClient,
        toolset: Toolset,
        *,
        output_type: type[BaseModel] | None = None,
        run: RunContext | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.toolset = toolset
        self.output_type = output_type
        self.run = run

    @property
    def model_name(self) -> str:
        """The primary model's name at its provider."""
        return self.client.model

    @property
    def system(self) -> str:
        """The provider, as any-agent names it (``openai``, ``anthropic``...)."""
        return self.client.provider

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        """One chat completion through the core."""
        chat, options = self._arguments(messages, model_settings, model_request_parameters)
        response = await self.client.complete(chat, **options)
        return self._pydantic(self._handover(response, model_request_parameters))

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: PydanticRunContext[Any] | None = None,
    ) -> AsyncGenerator[StreamedResponse]:
        """The core's stream: text as it arrives, the tool calls once the answer is complete."""
        chat, options = self._arguments(messages, model_settings, model_request_parameters)
        chunks = self.client.stream(chat, **options)
        async with aclosing(chunks):
            yield _CoreStream(
                model_request_parameters=model_request_parameters,
                _bridge=self,
                _chunks=chunks,
            )

    def _arguments(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        parameters: ModelRequestParameters,
    ) -> tuple[list[Message], dict[str, Any]]:
        model_settings, parameters = self.prepare_request(model_settings, parameters)
        instructions = InstructionPart.join(self._get_instruction_parts(messages, parameters) or [])
        settings: Mapping[str, Any] = model_settings or {}
        params = {wire: settings[key] for key, wire in _SETTINGS.items() if key in settings}
        tools = [self._definition(tool) for tool in parameters.function_tools]
        output_type = self.run.config.output_type if self.run is not None else self.output_type
        options = {"tools": tools or None, "response_format": output_type, "run": self.run, **params}
        return to_core_messages(messages, instructions), options

    def _definition(self, tool: ToolDefinition) -> dict[str, Any]:
        return self.toolset.definition(tool.name, lambda: _declared(tool))

    def _handover(self, response: CoreResponse, parameters: ModelRequestParameters) -> CoreResponse:
        # A call of a tool pydantic-ai does not have goes to the core's catch-all, not to pydantic-ai's
        # own retry prompt; arguments that are not a JSON object are handed over as {} (the core
        # validates what the model wrote).
        return self.toolset.handover(response, also=[tool.name for tool in parameters.function_tools], parse=True)

    def _pydantic(self, response: CoreResponse) -> ModelResponse:
        parts: list[TextPart | ToolCallPart] = [TextPart(response.content)] if response.content else []
        parts += [ToolCallPart(call.name, call.arguments, tool_call_id=call.id) for call in response.tool_calls]
        return ModelResponse(
            parts=parts,
            usage=_usage(response),
            model_name=response.model or self.client.model,
            provider_name=self.client.provider,
            provider_response_id=response.response_id,
            finish_reason=_FINISH.get(response.finish_reason or ""),
        )


def _usage(response: CoreResponse) -> RequestUsage:
    return RequestUsage(input_tokens=response.usage.input_tokens, output_tokens=response.usage.output_tokens)


@dataclass
class _CoreStream(StreamedResponse):
    """A core stream as pydantic-ai's `StreamedResponse`."""

    _bridge: ModelBridge = field(kw_only=True)
    _chunks: AsyncGenerator[StreamChunk] = field(kw_only=True)
    _timestamp: datetime = field(default_factory=lambda: datetime.now().astimezone(), kw_only=True)

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        async for chunk in self._chunks:
            if isinstance(chunk, TextDelta) and chunk.text:
                for event in self._parts_manager.handle_text_delta(vendor_part_id="content", content=chunk.text):
                    yield event
            elif isinstance(chunk, FinalResponse):
                response = self._bridge._handover(chunk.response, self.model_request_parameters)
                self._usage = _usage(response)
                self.provider_response_id = response.response_id
                self.finish_reason = _FINISH.get(response.finish_reason or "")
                for call in response.tool_calls:
                    yield self._parts_manager.handle_tool_call_part(
                        vendor_part_id=call.id, tool_name=call.name, args=call.arguments, tool_call_id=call.id
                    )

    @property
    def model_name(self) -> str:
        """The primary model's name at its provider."""
        return self._bridge.model_name

    @property
    def provider_name(self) -> str:
        """The provider, as any-agent names it."""
        return self._bridge.system

    @property
    def provider_url(self) -> str | None:
        """The primary model's endpoint (None for the provider's default)."""
        return self._bridge.client.api_base

    @property
    def timestamp(self) -> datetime:
        """When the stream was opened."""
        return self._timestamp


def _declared(tool: ToolDefinition) -> dict[str, Any]:
    """A tool the user gave pydantic-ai itself, as pydantic-ai describes it."""
    function = {"name": tool.name, "description": tool.description or "", "parameters": tool.parameters_json_schema}
    return {"type": "function", "function": function}
