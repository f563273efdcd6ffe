"""LlamaIndex's `FunctionCallingLLM` over the core `ModelClient`: LlamaIndex never calls a provider.

Every chat is one core ``complete`` call (chat completions, any any-llm provider), so it is traced,
retried, counted against ``max_turns`` and, in a streamed run, streamed by the core.
`astream_chat` serves LlamaIndex's own streaming (a native agent's ``stream_events``) from the
core's stream.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Sequence
from contextlib import aclosing
from typing import Any

from llama_index.core.base.llms.generic_utils import (
    achat_to_completion_decorator,
    astream_chat_to_completion_decorator,
    chat_to_completion_decorator,
    stream_chat_to_completion_decorator,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    ContentBlock,
    LLMMetadata,
    MessageRole,
    TextBlock,
    ToolCallBlock,
)
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.tools.types import BaseTool
from pydantic import BaseModel, PrivateAttr

from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.model.types import FinalResponse, TextDelta
from any_agent.model.types import ModelResponse as CoreResponse
from any_agent.tools.dispatch import Toolset
from any_agent.tools.ledger import arguments_object
from any_agent_llama_index.messages import to_core_messages

__all__ = ["ModelBridge"]

_CHOICES = frozenset({"auto", "none", "required"})


class ModelBridge(FunctionCallingLLM):
    """A LlamaIndex function-calling LLM whose every chat is a core `ModelClient.complete`.

    One instance per run carries that run (``run``); the agent's own instance (``run`` None) falls
    back to the core's current run, for users driving ``native``.
    """

    _client: ModelClient = PrivateAttr()
    _toolset: Toolset = PrivateAttr()
    _output_type: type[BaseModel] | None = PrivateAttr(default=None)
    _run: RunContext | None = PrivateAttr(default=None)

    def __init__(
        self,
        client: ModelClient,
        toolset: Toolset,
        *,
        output_type: type[BaseModel] | None = None,
        run: RunContext | None = None,
    ) -> None:
        super().__init__()
        self._client = client
        self._toolset = toolset
        self._output_type = output_type
        self._run = run

    @classmethod
    def class_name(cls) -> str:
        """LlamaIndex's name for this LLM type."""
        return "AnyAgentModelBridge"

    @property
    def metadata(self) -> LLMMetadata:
        """A chat, function-calling model; its context window is the provider's to enforce."""
        return LLMMetadata(
            model_name=self._client.model,
            is_chat_model=True,
            is_function_calling_model=True,
            context_window=2**31 - 1,
        )

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The chat's arguments: the core's definition of each tool, LlamaIndex's choices as request parameters."""
        messages = list(chat_history or [])
        if user_msg is not None:
            messages.append(
                user_msg if isinstance(user_msg, ChatMessage) else ChatMessage(role="user", content=user_msg)
            )
        options: dict[str, Any] = {"messages": messages, "tools": [self._definition(tool) for tool in tools] or None}
        choice = kwargs.pop("tool_choice", None) or ("required" if tool_required else None)
        if choice is not None:
            options["tool_choice"] = _tool_choice(choice)
        # Providers allow parallel calls by default (FunctionAgent too): only a refusal goes on the wire.
        if not allow_parallel_tool_calls:
            options["parallel_tool_calls"] = False
        return {**options, **kwargs}

    def get_tool_calls_from_response(
        self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
    ) -> list[ToolSelection]:
        """The answer's tool calls, with their ids and the arguments as the JSON object the model wrote."""
        calls = [block for block in response.message.blocks if isinstance(block, ToolCallBlock)]
        if not calls and error_on_no_tool_call:
            raise ValueError(f"expected at least one tool call, got: {response.message.content!r}")
        return [
            ToolSelection(
                tool_id=call.tool_call_id or "",
                tool_name=call.tool_name,
                tool_kwargs=_arguments(call.tool_kwargs),
            )
            for call in calls
        ]

    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """One chat completion through the core."""
        chat, tools, params = self._arguments(messages, kwargs)
        response = await self._client.complete(chat, tools=tools, **params)
        return _chat_response(self._handover(response, tools))

    async def astream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseAsyncGen:
        """The core's stream: text as it arrives, the tool calls once the answer is complete."""
        chat, tools, params = self._arguments(messages, kwargs)

        async def responses() -> AsyncGenerator[ChatResponse]:
            text = ""
            async with aclosing(self._client.stream(chat, tools=tools, **params)) as chunks:
                async for chunk in chunks:
                    if isinstance(chunk, TextDelta) and chunk.text:
                        text += chunk.text
                        message = ChatMessage(role=MessageRole.ASSISTANT, content=text)
                        yield ChatResponse(message=message, delta=chunk.text)
                    elif isinstance(chunk, FinalResponse):
                        yield _chat_response(self._handover(chunk.response, tools), delta="")

        return responses()

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """`achat` for LlamaIndex's synchronous callers."""
        chat, tools, params = self._arguments(messages, kwargs)
        return _chat_response(self._handover(self._client.complete_sync(chat, tools=tools, **params), tools))

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Synchronous callers get the whole answer as one chunk (the core streams asynchronously)."""
        response = self.chat(messages, **kwargs)

        def single() -> Generator[ChatResponse]:
            yield response.model_copy(update={"delta": response.message.content or ""})

        return single()

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """A prompt as one user message."""
        return chat_to_completion_decorator(self.chat)(prompt, **kwargs)

    async def acomplete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """A prompt as one user message."""
        return await achat_to_completion_decorator(self.achat)(prompt, **kwargs)

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        """A prompt as one user message."""
        return stream_chat_to_completion_decorator(self.stream_chat)(prompt, **kwargs)

    async def astream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseAsyncGen:
        """A prompt as one user message, streamed."""
        return await astream_chat_to_completion_decorator(self.astream_chat)(prompt, **kwargs)

    def _arguments(
        self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]
    ) -> tuple[list[Any], list[dict[str, Any]] | None, dict[str, Any]]:
        tools = kwargs.pop("tools", None)
        output_type = self._run.config.output_type if self._run is not None else self._output_type
        params = {"response_format": output_type, "run": self._run, **kwargs}
        return to_core_messages(messages), tools, params

    def _definition(self, tool: BaseTool) -> dict[str, Any]:
        return self._toolset.definition(tool.metadata.get_name(), tool.metadata.to_openai_tool)

    def _handover(self, response: CoreResponse, tools: list[dict[str, Any]] | None) -> CoreResponse:
        # A call of a tool LlamaIndex does not have goes to the core's catch-all, not to LlamaIndex's
        # "Tool ... not found"; arguments that are not a JSON object are handed over as {}.
        offered = [tool["function"]["name"] for tool in tools or []]
        return self._toolset.handover(response, also=offered, parse=True)


def _chat_response(response: CoreResponse, delta: str | None = None) -> ChatResponse:
    blocks: list[ContentBlock] = [TextBlock(text=response.content)] if response.content else []
    blocks += [
        ToolCallBlock(tool_call_id=call.id, tool_name=call.name, tool_kwargs=call.arguments)
        for call in response.tool_calls
    ]
    usage = {"prompt_tokens": response.usage.input_tokens, "completion_tokens": response.usage.output_tokens}
    return ChatResponse(
        message=ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks),
        raw=response,
        delta=delta,
        additional_kwargs=usage,
    )


def _arguments(arguments: dict[str, Any] | str) -> dict[str, Any]:
    return arguments if isinstance(arguments, dict) else arguments_object(arguments)


def _tool_choice(choice: Any) -> Any:
    # LlamaIndex names a tool to force by its name alone; the wire wants the function object.
    if isinstance(choice, str) and choice not in _CHOICES:
        return {"type": "function", "function": {"name": choice}}
    return choice
