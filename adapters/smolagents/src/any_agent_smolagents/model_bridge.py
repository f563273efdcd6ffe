"""smolagents' `Model` over the core `ModelClient`: smolagents never calls a provider.

Every ``generate`` is one core ``complete_sync`` (smolagents is synchronous), so it is traced,
retried, counted against ``max_turns`` and, in a streamed run, streamed by the core.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel
from smolagents import Tool
from smolagents.models import (
    ChatMessage,
    ChatMessageToolCall,
    ChatMessageToolCallFunction,
    MessageRole,
    Model,
    get_clean_message_list,
    get_tool_json_schema,
    tool_role_conversions,
)
from smolagents.monitoring import TokenUsage

from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.model.types import Message
from any_agent.model.types import ModelResponse as CoreResponse
from any_agent.tools.dispatch import Toolset
from any_agent.tools.ledger import arguments_object
from any_agent_smolagents.conversation import Conversation

__all__ = ["FINAL_ANSWER", "ModelBridge"]

FINAL_ANSWER = "final_answer"
"""smolagents' tool that ends a run; never offered to the model (a text answer is the final answer)."""


class ModelBridge(Model):  # type: ignore[misc]  # smolagents is untyped
    """A smolagents model whose every ``generate`` is a core `ModelClient.complete_sync`.

    One instance per run carries the run and its `Conversation`, which is what the model is sent.
    The agent's own instance (no run) sends smolagents' messages as smolagents' own API models
    render them, for users driving ``native``.
    """

    def __init__(
        self,
        client: ModelClient,
        toolset: Toolset,
        *,
        output_type: type[BaseModel] | None = None,
        run: RunContext | None = None,
        conversation: Conversation | None = None,
    ) -> None:
        super().__init__(model_id=client.model)
        self.client = client
        self.toolset = toolset
        self.output_type = output_type
        self.run = run
        self.conversation = conversation

    def generate(
        self,
        messages: list[ChatMessage | dict[str, Any]],
        stop_sequences: list[str] | None = None,
        response_format: dict[str, str] | None = None,
        tools_to_call_from: list[Tool] | None = None,
        **kwargs: Any,
    ) -> ChatMessage:
        """One chat completion through the core.

        smolagents' stop sequences (``Observation:``) are for models that write tool calls as text:
        not sent. Structured output is the core's ``response_format`` (``AgentConfig.output_type``);
        sampling parameters are ``AgentConfig.model_args``.
        """
        tools = [self._definition(tool) for tool in tools_to_call_from or [] if tool.name != FINAL_ANSWER]
        output_type = self.run.config.output_type if self.run is not None else self.output_type
        response = self.client.complete_sync(
            self._messages(messages),
            tools=tools or None,
            response_format=output_type,
            run=self.run,
        )
        if self.conversation is not None:
            self.conversation.answered(response)
        return _chat_message(response)

    def parse_tool_calls(self, message: ChatMessage) -> ChatMessage:
        """An answer without tool calls is the run's final answer (smolagents would parse its text for one)."""
        message.role = MessageRole.ASSISTANT
        if not message.tool_calls:
            text = message.content if isinstance(message.content, str) else ""
            call = ChatMessageToolCallFunction(name=FINAL_ANSWER, arguments={"answer": text})
            message.tool_calls = [ChatMessageToolCall(function=call, id=FINAL_ANSWER, type="function")]
        return message

    def _messages(self, messages: list[ChatMessage | dict[str, Any]]) -> list[Message]:
        if self.conversation is not None:
            return self.conversation.request()
        clean = get_clean_message_list(messages, role_conversions=tool_role_conversions)
        return [cast(Message, dict(message)) for message in clean]

    def _definition(self, tool: Tool) -> dict[str, Any]:
        return self.toolset.definition(tool.name, lambda: get_tool_json_schema(tool))


def _chat_message(response: CoreResponse) -> ChatMessage:
    """The core's answer in smolagents' types; arguments as the JSON object the model wrote ({} if it is not one)."""
    calls = [
        ChatMessageToolCall(
            function=ChatMessageToolCallFunction(name=call.name, arguments=arguments_object(call.arguments)),
            id=call.id,
            type="function",
        )
        for call in response.tool_calls
    ]
    return ChatMessage(
        role=MessageRole.ASSISTANT,
        content=response.content,
        tool_calls=calls or None,
        raw=response,
        token_usage=TokenUsage(input_tokens=response.usage.input_tokens, output_tokens=response.usage.output_tokens),
    )
