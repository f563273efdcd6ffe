"""The framework's model interface over the core `ModelClient`: the framework never calls a provider.

Every model call is one ``ModelClient.complete`` (or ``complete_sync``): the core sends it, traces
it as a ``chat`` span, retries it, counts it against ``max_turns`` and records the tool calls the
model wrote. This module only translates: the framework's messages and tools to the core's
OpenAI-format ones, and the core's answer back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import myframework  # TODO: your framework

from any_agent import RunContext
from any_agent.adapter_kit import (
    AssistantMessage,
    Message,
    SystemMessage,
    ToolCallItem,
    ToolMessage,
    UserMessage,
    content_text,
)
from any_agent.model.client import ModelClient
from any_agent.model.types import ModelResponse
from any_agent.tools.dispatch import Toolset

__all__ = ["ModelBridge", "to_core_messages"]


class ModelBridge(myframework.Model):  # TODO: the framework's model base class
    """A framework model whose every call is a core `ModelClient.complete`."""

    def __init__(self, client: ModelClient, toolset: Toolset, run: RunContext | None = None) -> None:
        self.client = client
        self.toolset = toolset
        self.run = run

    async def generate(self, messages: Sequence[Any], tools: Sequence[Any], context: Any) -> Any:
        """TODO: the framework's model method (sync frameworks: ``self.client.complete_sync``)."""
        run = context if isinstance(context, RunContext) else self.run
        response = await self.client.complete(
            to_core_messages(messages),
            # The core's own definition of each bridged tool, so the request is the one `tiny` sends.
            tools=[self.toolset.by_name[tool.name].definition() for tool in tools if tool.name in self.toolset.by_name]
            or None,
            response_format=run.config.output_type if run else None,
            run=run,
        )
        # A call of a tool the framework does not have goes to the catch-all, so the model is told
        # the core's words, not the framework's (parse=True: the framework parses arguments itself).
        return to_framework_response(self.toolset.handover(response, parse=True))


def to_core_messages(messages: Sequence[Any]) -> list[Message]:
    """TODO: the framework's history as typed chat messages (mypy checks each kind's keys)."""
    converted: list[Message] = []
    for message in messages:
        if message.role == "system":
            converted.append(SystemMessage(role="system", content=content_text(message.content)))
        elif message.role == "assistant":
            turn = AssistantMessage(role="assistant", content=content_text(message.content) or None)
            if message.tool_calls:  # the raw arguments text, as the model wrote it
                turn["tool_calls"] = [
                    ToolCallItem(id=call.id, type="function", function={"name": call.name, "arguments": call.arguments})
                    for call in message.tool_calls
                ]
            converted.append(turn)
        elif message.role == "tool":
            result = content_text(message.content)
            converted.append(ToolMessage(role="tool", tool_call_id=message.call_id, content=result))
        else:
            converted.append(UserMessage(role="user", content=content_text(message.content)))
    return converted


def to_framework_response(response: ModelResponse) -> Any:
    """TODO: the core's answer as the framework's: text, tool calls (id, name, raw arguments), usage."""
    return myframework.Response(
        text=response.content,
        tool_calls=[
            myframework.ToolCall(id=call.id, name=call.name, arguments=call.arguments) for call in response.tool_calls
        ],
        input_tokens=response.usage.input_tokens,
        output_tokens=response.usage.output_tokens,
    )
