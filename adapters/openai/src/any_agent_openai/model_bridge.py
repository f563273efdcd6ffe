"""The SDK's `Model` interface over the core `ModelClient`.

The SDK never reaches a provider itself: every model call is a core ``complete`` call (chat
completions semantics, any any-llm provider), traced, retried and counted by the core.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any, cast

from agents.agent_output import AgentOutputSchema, AgentOutputSchemaBase
from agents.handoffs import Handoff
from agents.items import ModelResponse, TResponseInputItem, TResponseStreamEvent
from agents.model_settings import ModelSettings
from agents.models.chatcmpl_converter import Converter
from agents.models.chatcmpl_stream_handler import ChatCmplStreamHandler
from agents.models.fake_id import FAKE_RESPONSES_ID
from agents.models.interface import Model, ModelTracing
from agents.tool import Tool
from agents.tracing import generation_span
from agents.usage import Usage
from openai import Omit
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import Response
from openai.types.responses.response_prompt_param import ResponsePromptParam
from pydantic import BaseModel

from any_agent.adapter_kit.messages import Message, results_in_call_order
from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.model.types import ModelResponse as CoreResponse
from any_agent_openai.messages import to_chat_message, to_chunk, to_output_items
from any_agent_openai.tool_bridge import tool_definition

__all__ = ["ModelBridge"]

_SETTINGS = ("temperature", "top_p", "frequency_penalty", "presence_penalty", "max_tokens")
"""`ModelSettings` fields passed on as completion parameters (`AgentConfig.model_args` win over them)."""


class ModelBridge(Model):
    """An SDK model whose every call is a core `ModelClient.complete`.

    One instance per run carries that run explicitly (``run``); the agent's own instance (``run``
    None) falls back to the core's current run, for users driving ``native`` with the SDK's Runner.
    """

    def __init__(self, client: ModelClient, run: RunContext | None = None) -> None:
        self.client = client
        self.run = run

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
    ) -> ModelResponse:
        """One chat completion through the core, read back with the SDK's own converter."""
        response = await self._complete(
            system_instructions, input, model_settings, tools, output_schema, handoffs, tracing
        )
        usage = Usage(
            requests=1,
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
            total_tokens=response.usage.total_tokens,
        )
        return ModelResponse(output=to_output_items(response), usage=usage, response_id=None)

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        """The whole answer as one chunk, turned into stream events by the SDK's own handler.

        The core model boundary does not stream, so a streamed run gets its events when the answer
        is complete: the same events, all at once.
        """
        response = await self._complete(
            system_instructions, input, model_settings, tools, output_schema, handoffs, tracing
        )
        started = Response(
            id=FAKE_RESPONSES_ID,
            created_at=time.time(),
            model=self.client.model,
            object="response",
            output=[],
            tool_choice="auto",
            tools=[],
            parallel_tool_calls=False,
        )
        async for event in ChatCmplStreamHandler.handle_stream(
            started, cast(Any, _stream(response, self.client.model))
        ):
            yield event

    async def _complete(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
    ) -> CoreResponse:
        # The SDK's converter writes new chat-completions dicts (its own TypedDicts) on every call,
        # taken as ours as they are; it lists its answers to unknown tools after the turn's other results.
        converted = Converter.items_to_messages(input, model=self.client.model)
        messages = results_in_call_order(cast(list[Message], converted))
        if system_instructions:
            messages.insert(0, {"role": "system", "content": system_instructions})
        definitions = [tool_definition(tool) for tool in tools]
        definitions += [dict(Converter.convert_handoff_tool(handoff)) for handoff in handoffs]
        params: dict[str, Any] = {name: getattr(settings, name) for name in _SETTINGS}
        choice = Converter.convert_tool_choice(settings.tool_choice)
        params["tool_choice"] = None if isinstance(choice, Omit) else choice
        if definitions:
            params["parallel_tool_calls"] = settings.parallel_tool_calls
        params.update(settings.extra_args or {})
        # The SDK's own (off by default) tracing still sees the call, should the user turn it on.
        with generation_span(model=self.client.model, disabled=tracing.is_disabled()) as span:
            response = await self.client.complete(
                messages,
                tools=definitions or None,
                response_format=_response_format(output_schema),
                run=self.run,
                **params,
            )
            if tracing.include_data():
                span.span_data.input = messages
                span.span_data.output = [to_chat_message(response).model_dump()]
            span.span_data.usage = {
                "input_tokens": response.usage.input_tokens,
                "output_tokens": response.usage.output_tokens,
            }
        # Calls of tools the SDK does not have reach the core through the run's tool_error_formatter.
        return response


def _response_format(output_schema: AgentOutputSchemaBase | None) -> type[BaseModel] | dict[str, Any] | None:
    """A pydantic output type is passed as the type, as `tiny` does, so the request is the same."""
    if output_schema is None or output_schema.is_plain_text():
        return None
    output_type = output_schema.output_type if isinstance(output_schema, AgentOutputSchema) else None
    if isinstance(output_type, type) and issubclass(output_type, BaseModel):
        return output_type
    converted = Converter.convert_response_format(output_schema)
    return None if isinstance(converted, Omit) else dict(converted)


async def _stream(response: CoreResponse, model: str) -> AsyncIterator[ChatCompletionChunk]:
    yield to_chunk(response, model)
