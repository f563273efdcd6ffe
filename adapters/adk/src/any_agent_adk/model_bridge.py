"""ADK's `BaseLlm` over the core `ModelClient`: ADK never calls a provider (no Gemini, no LiteLLM).

Every ``generate_content_async`` is one core ``complete`` call (chat completions, any any-llm
provider), so it is traced, retried, counted against ``max_turns`` and, in a streamed run, streamed
by the core.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

from google.adk.models import LlmCapabilities
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types
from pydantic import BaseModel, ConfigDict, PrivateAttr

from any_agent.adapter_kit import AssistantMessage, Message
from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.model.types import ModelResponse as CoreResponse
from any_agent.tools.dispatch import Toolset
from any_agent.tools.ledger import arguments_object
from any_agent_adk.contents import to_core_messages

__all__ = ["ModelBridge"]

_SETTINGS = {
    "temperature": "temperature",
    "top_p": "top_p",
    "max_output_tokens": "max_tokens",
    "seed": "seed",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
    "stop_sequences": "stop",
}
"""`GenerateContentConfig` fields passed on as completion parameters (`AgentConfig.model_args` win)."""

_FINISH = {"stop": types.FinishReason.STOP, "length": types.FinishReason.MAX_TOKENS}


class ModelBridge(BaseLlm):
    """An ADK model whose every request is a core `ModelClient.complete`.

    One instance per run carries that run (its instructions, ``output_type`` and input turns); the
    agent's own instance (no run) falls back to the core's current run, for users driving ``native``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    _client: ModelClient = PrivateAttr()
    _toolset: Toolset = PrivateAttr()
    _output_type: type[BaseModel] | None = PrivateAttr(default=None)
    _run: RunContext | None = PrivateAttr(default=None)
    _original: dict[str, AssistantMessage] = PrivateAttr(default_factory=dict)

    def __init__(
        self,
        client: ModelClient,
        toolset: Toolset,
        *,
        output_type: type[BaseModel] | None = None,
        run: RunContext | None = None,
    ) -> None:
        super().__init__(model=client.model)
        self._client = client
        self._toolset = toolset
        self._output_type = output_type
        self._run = run
        # The input's tool-call turns, sent back as they came (ADK keeps parsed arguments only).
        for message in run.input_messages if run is not None else []:
            if message["role"] == "assistant" and (calls := message.get("tool_calls")):
                self._original[calls[0]["id"]] = message

    @property
    def capabilities(self) -> LlmCapabilities:
        """Declared, so ADK never guesses from the model's name (and warns on the console for Gemini names)."""
        return LlmCapabilities(output_schema_and_tools=True)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        """One chat completion through the core; with ``stream`` too (the core streams a streamed run itself)."""
        run = self._run
        instructions = run.config.instructions if run is not None else _system(llm_request.config)
        messages: list[Message] = [{"role": "system", "content": instructions}] if instructions else []
        messages += to_core_messages(llm_request.contents, self._original)
        tools = [self._definition(declaration) for declaration in _declarations(llm_request.config)]
        output_type = run.config.output_type if run is not None else self._output_type
        response = await self._client.complete(
            messages,
            tools=tools or None,
            response_format=output_type,
            run=run,
            **_params(llm_request.config),
        )
        yield _adk(self._toolset.handover(response, also=list(llm_request.tools_dict), parse=True))

    def _definition(self, declaration: types.FunctionDeclaration) -> dict[str, Any]:
        return self._toolset.definition(declaration.name or "", lambda: _declared(declaration))


def _declared(declaration: types.FunctionDeclaration) -> dict[str, Any]:
    """A tool the user gave ADK itself, as ADK declares it (not the Gemini schema)."""
    parameters = declaration.parameters_json_schema
    if parameters is None and declaration.parameters is not None:
        parameters = declaration.parameters.model_dump(mode="json", exclude_none=True)
    function = {"name": declaration.name, "description": declaration.description or "", "parameters": parameters}
    return {"type": "function", "function": function}


def _system(config: types.GenerateContentConfig | None) -> str | None:
    instruction = config.system_instruction if config is not None else None
    if instruction is None or isinstance(instruction, str):
        return instruction
    if isinstance(instruction, types.Content):
        return "".join(part.text or "" for part in instruction.parts or [])
    return str(instruction)


def _declarations(config: types.GenerateContentConfig | None) -> list[types.FunctionDeclaration]:
    tools = config.tools if config is not None else None
    return [
        declaration
        for tool in tools or []
        if isinstance(tool, types.Tool)
        for declaration in tool.function_declarations or []
    ]


def _params(config: types.GenerateContentConfig | None) -> Mapping[str, Any]:
    if config is None:
        return {}
    return {wire: getattr(config, key) for key, wire in _SETTINGS.items() if getattr(config, key) is not None}


def _adk(response: CoreResponse) -> LlmResponse:
    """The core's answer in ADK's types: text, then each tool call with its id and parsed arguments."""
    parts = [types.Part(text=response.content)] if response.content else []
    parts += [
        types.Part(function_call=types.FunctionCall(id=call.id, name=call.name, args=arguments_object(call.arguments)))
        for call in response.tool_calls
    ]
    usage = types.GenerateContentResponseUsageMetadata(
        prompt_token_count=response.usage.input_tokens,
        candidates_token_count=response.usage.output_tokens,
        total_token_count=response.usage.input_tokens + response.usage.output_tokens,
    )
    return LlmResponse(
        content=types.Content(role="model", parts=parts),
        usage_metadata=usage,
        model_version=response.model,
        finish_reason=_FINISH.get(response.finish_reason or "", types.FinishReason.STOP),
        turn_complete=True,
    )
