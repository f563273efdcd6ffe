"""Chat messages between the core's OpenAI format and LangChain's message objects.

The assistant's tool calls travel in both shapes: parsed (``AIMessage.tool_calls``, which LangGraph
routes on) and as the model's own text (``additional_kwargs["tool_calls"]``, the OpenAI convention),
so a conversation sent back to the model holds exactly the arguments the model wrote.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    convert_to_openai_messages,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.tool import ToolCall, tool_call

from any_agent.adapter_kit.messages import AssistantMessage, FunctionCall, Message, MessageContent, ToolCallItem
from any_agent.adapter_kit.messages import ToolMessage as OpenAIToolMessage
from any_agent.model.types import ModelResponse

__all__ = ["ai_message", "to_langchain", "to_openai"]


def to_langchain(messages: Sequence[Message]) -> list[BaseMessage]:
    """A run's input history as LangChain messages."""
    converted: list[BaseMessage] = []
    for message in messages:
        content = _langchain_content(message.get("content"))
        if message["role"] == "system" or message["role"] == "developer":
            extra = {"__openai_role__": "developer"} if message["role"] == "developer" else {}
            converted.append(SystemMessage(content=content, additional_kwargs=extra))
        elif message["role"] == "assistant":
            raw = list(message.get("tool_calls") or [])
            calls = [_parsed(call["id"], call["function"]["name"], call["function"]["arguments"]) for call in raw]
            tool_calls = {"tool_calls": raw} if raw else {}
            converted.append(AIMessage(content=content, tool_calls=calls, additional_kwargs=tool_calls))
        elif message["role"] == "tool":
            converted.append(ToolMessage(content=content, tool_call_id=message.get("tool_call_id") or ""))
        else:
            converted.append(HumanMessage(content=content))
    return converted


def to_openai(messages: Sequence[BaseMessage]) -> list[Message]:
    """LangChain messages as the core's OpenAI chat messages."""
    converted: list[Message] = []
    for message in messages:
        if isinstance(message, AIMessage):
            item = AssistantMessage(role="assistant", content=message.text or None)
            if message.tool_calls:
                item["tool_calls"] = _openai_calls(message)
            converted.append(item)
        elif isinstance(message, ToolMessage):
            converted.append(OpenAIToolMessage(role="tool", tool_call_id=message.tool_call_id, content=message.text))
        else:
            # LangChain's own conversion of the other kinds (human, system), in the same chat format.
            converted.extend(cast(list[Message], convert_to_openai_messages([message])))
    return converted


def ai_message(response: ModelResponse) -> AIMessage:
    """The core's model response as LangChain's AIMessage, usage and raw tool-call text included."""
    calls = [call.to_openai() for call in response.tool_calls]
    usage = response.usage
    return AIMessage(
        content=response.content or "",
        tool_calls=[_parsed(call.id, call.name, call.arguments) for call in response.tool_calls],
        additional_kwargs={"tool_calls": calls} if calls else {},
        usage_metadata=UsageMetadata(
            input_tokens=usage.input_tokens, output_tokens=usage.output_tokens, total_tokens=usage.total_tokens
        ),
        response_metadata={
            "finish_reason": response.finish_reason,
            "model_name": response.model,
            "id": response.response_id,
        },
    )


def _parsed(call_id: str, name: str, arguments: Any) -> ToolCall:
    # Arguments that are not a JSON object still make a tool call (not an `invalid_tool_calls`
    # entry, which LangChain would answer itself): the tool bridge hands the raw text to the core.
    try:
        value = json.loads(arguments) if isinstance(arguments, str) else arguments
    except ValueError:
        value = None
    return tool_call(name=name, args=value if isinstance(value, dict) else {}, id=call_id)


def _langchain_content(content: MessageContent | None) -> str | list[str | dict[Any, Any]]:
    """Chat-format content as LangChain takes it (its parts are the same dicts, typed loosely)."""
    if not content:
        return ""
    return content if isinstance(content, str) else cast(list[str | dict[Any, Any]], content)


def _openai_calls(message: AIMessage) -> list[ToolCallItem]:
    written: dict[Any, ToolCallItem] = {
        call.get("id"): call for call in message.additional_kwargs.get("tool_calls") or []
    }
    return [
        written.get(call["id"])
        or ToolCallItem(
            id=call["id"] or "",
            type="function",
            function=FunctionCall(name=call["name"], arguments=json.dumps(call["args"])),
        )
        for call in message.tool_calls
    ]
