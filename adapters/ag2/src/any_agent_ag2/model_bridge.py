"""AG2's model extension point (a `ModelConfig` and its `LLMClient`) over the core `ModelClient`.

AG2 asks its config for a client on every turn and calls it with the stream's events, so AG2
never opens a provider connection of its own: every model call becomes one core ``chat`` span,
with the core's retries and turn count. The run a call belongs to travels in the AG2 context's
dependencies (set per run by the adapter), which survives any task or thread AG2 uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ag2.config import LLMClient, ModelConfig, ModelProvider
from ag2.events import BaseEvent, ModelMessage, ModelResponse, ToolCallEvent, ToolCallsEvent, Usage
from ag2.exceptions import UnsupportedToolError
from ag2.middleware import BaseMiddleware, LLMCall
from ag2.response import ResponseProto, ResponseSchema
from ag2.tools.final import FunctionToolSchema
from ag2.tools.schemas import ToolSchema
from pydantic import BaseModel

from any_agent.adapter_kit import framework_turn_limit
from any_agent.context import RunContext
from any_agent.model.client import ModelClient, TurnLimitReached
from any_agent.tools.dispatch import Toolset
from any_agent_ag2.messages import to_messages

if TYPE_CHECKING:
    from ag2 import Context
    from ag2.context import ConversationContext
    from ag2.files.protocol import FilesClient
    from fast_depends.library.serializer import SerializerProto

__all__ = ["RUN_KEY", "ModelBridge", "TurnLimit"]

RUN_KEY = "any_agent.run"
"""The key of the run's `RunContext` in the AG2 context's dependencies."""


def run_of(context: ConversationContext) -> RunContext | None:
    """The any-agent run an AG2 context belongs to (None when AG2 is driven directly)."""
    run = context.dependencies.get(RUN_KEY)
    return run if isinstance(run, RunContext) else None


class ModelBridge(ModelConfig):
    """An AG2 model config whose client is the core `ModelClient`."""

    def __init__(self, model: ModelClient, toolset: Toolset) -> None:
        self._model = model
        self._toolset = toolset

    @property
    def provider(self) -> ModelProvider:
        """AG2's name for the provider; AG2 reads NotImplementedError as "unknown" (it knows fewer)."""
        try:
            return ModelProvider(self._model.provider)
        except ValueError:
            raise NotImplementedError(f"AG2 has no ModelProvider for {self._model.provider!r}") from None

    @property
    def model(self) -> str:
        """The provider's model name, for AG2's metrics and logs."""
        return self._model.model

    @property
    def client(self) -> ModelClient:
        """The core model client every call goes through."""
        return self._model

    def copy(self) -> ModelBridge:
        """The config itself: it holds no state that a copy could change."""
        return self

    def create(self) -> ModelBridgeClient:
        """A client for one AG2 turn; it opens no connection (the core owns those)."""
        return ModelBridgeClient(self._model, self._toolset)

    def create_files_client(self) -> FilesClient[Any]:
        """Not offered: uploads would reach a provider outside the core model boundary."""
        raise NotImplementedError("any-agent's model bridge does not offer AG2's Files API")


class ModelBridgeClient(LLMClient):
    """Translates one AG2 model call to a core `ModelClient.complete` and the answer back."""

    def __init__(self, model: ModelClient, toolset: Toolset) -> None:
        self._model = model
        self._toolset = toolset

    async def __call__(
        self,
        messages: Sequence[BaseEvent],
        context: ConversationContext,
        *,
        tools: Iterable[ToolSchema],
        response_schema: ResponseProto[Any] | None,
        serializer: SerializerProto,
    ) -> ModelResponse:
        prompt = list(context.prompt)
        if response_schema is not None and response_schema.system_prompt:
            prompt.append(response_schema.system_prompt)  # a prompted (not native) schema asks in words
        definitions = [_definition(schema) for schema in tools]
        response = await self._model.complete(
            to_messages(prompt, messages, serializer),
            tools=definitions or None,
            response_format=_response_format(response_schema),
            run=run_of(context),
        )
        # Calls of tools AG2 does not have go to the core's catch-all, not to AG2's wording.
        response = self._toolset.handover(response, also=[item["function"]["name"] for item in definitions])
        message = ModelMessage(response.content) if response.content else None
        if message is not None:
            await context.send(message)  # AG2's own clients announce the text before the response
        return ModelResponse(
            message,
            tool_calls=ToolCallsEvent(
                [ToolCallEvent(id=call.id, name=call.name, arguments=call.arguments) for call in response.tool_calls]
            ),
            usage=Usage(**response.usage.as_openai()),
            model=response.model,
            provider=self._model.provider,
            finish_reason=response.finish_reason,
            response_id=response.response_id,
        )


class TurnLimit(BaseMiddleware):
    """AG2 has no limit on model turns of its own: this middleware is it, counting per AG2 turn.

    Its limit comes from `framework_turn_limit`: ``max_turns`` for the native agent driven directly,
    one more in an any-agent run, where the core's own count is the one that stops the run.
    """

    def __init__(self, event: BaseEvent, context: Context, *, max_turns: int) -> None:
        super().__init__(event, context)
        self._calls = 0
        self._max_turns = max_turns

    async def on_llm_call(self, call_next: LLMCall, events: Sequence[BaseEvent], context: Context) -> ModelResponse:
        """Refuse the call past the limit."""
        if self._calls >= framework_turn_limit(self._max_turns, run_of(context)):
            raise TurnLimitReached(f"max_turns={self._max_turns} reached")
        self._calls += 1
        return await call_next(events, context)


def _definition(schema: ToolSchema) -> dict[str, Any]:
    if not isinstance(schema, FunctionToolSchema):
        raise UnsupportedToolError(schema.type, "any-agent (function tools only)")
    function = schema.function
    return {
        "type": "function",
        "function": {"name": function.name, "description": function.description, "parameters": function.parameters},
    }


def _response_format(schema: ResponseProto[Any] | None) -> type[BaseModel] | dict[str, Any] | None:
    if schema is None or schema.json_schema is None:
        return None
    types = getattr(schema, "types", None) if isinstance(schema, ResponseSchema) else None
    if isinstance(types, type) and issubclass(types, BaseModel):
        return types  # the same pydantic type the core hands any-llm for `output_type`
    return {"type": "json_schema", "json_schema": {"name": schema.name, "schema": schema.json_schema}}
