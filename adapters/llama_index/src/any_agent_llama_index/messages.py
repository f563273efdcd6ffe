"""Between the core's chat-completions messages and LlamaIndex's `ChatMessage`s, and a memory that keeps them.

The run's input arrives as chat messages and becomes the agent's chat history; each model request
comes back from LlamaIndex's messages as the chat messages the core sends, text parts as text parts
and tool turns verbatim, so the request is the one `tiny` sends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ContentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ToolCallBlock,
)
from llama_index.core.memory.types import BaseMemory
from pydantic import Field

from any_agent.adapter_kit import AssistantMessage, Message, ToolCallItem, content_text

__all__ = ["Transcript", "to_core_messages", "to_llama_messages"]


def to_llama_messages(messages: Sequence[Message]) -> list[ChatMessage]:
    """The run's input as LlamaIndex chat history, tool turns included."""
    history: list[ChatMessage] = []
    for message in messages:
        if message["role"] == "assistant":
            blocks: list[ContentBlock] = (
                [TextBlock(text=content_text(message["content"]))] if message["content"] else []
            )
            for call in message.get("tool_calls") or []:
                function = call["function"]
                block = ToolCallBlock(
                    tool_call_id=call["id"], tool_name=function["name"], tool_kwargs=function["arguments"]
                )
                blocks.append(block)
            history.append(ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks))
        elif message["role"] == "tool":
            kwargs = {"tool_call_id": message["tool_call_id"]}
            history.append(
                ChatMessage(role=MessageRole.TOOL, content=content_text(message["content"]), additional_kwargs=kwargs)
            )
        elif message["role"] in ("system", "developer"):
            history.append(ChatMessage(role=MessageRole.SYSTEM, content=content_text(message["content"])))
        else:
            history.append(ChatMessage(role=MessageRole.USER, blocks=_user_blocks(message["content"])))
    return history


def to_core_messages(messages: Sequence[ChatMessage]) -> list[Message]:
    """LlamaIndex's messages as chat messages, each as the core's `tiny` would have sent it."""
    out: list[Message] = []
    for message in messages:
        role = message.role.value if isinstance(message.role, MessageRole) else str(message.role)
        if role == "assistant":
            out.append(_assistant(message))
        elif role == "tool":
            call_id = str(message.additional_kwargs.get("tool_call_id", ""))
            out.append({"role": "tool", "tool_call_id": call_id, "content": message.content or ""})
        elif role in ("system", "developer"):
            out.append({"role": "system", "content": message.content or ""})
        else:
            out.append({"role": "user", "content": _chat_content(message)})
    return out


def _assistant(message: ChatMessage) -> AssistantMessage:
    item: AssistantMessage = {"role": "assistant", "content": message.content or None}
    calls: list[ToolCallItem] = [
        {
            "id": block.tool_call_id or "",
            "type": "function",
            "function": {"name": block.tool_name, "arguments": _raw(block)},
        }
        for block in message.blocks
        if isinstance(block, ToolCallBlock)
    ]
    if calls:
        item["tool_calls"] = calls
    return item


def _raw(block: ToolCallBlock) -> str:
    # The model's own argument string, as it wrote it (the ledger restores it in any case).
    return block.tool_kwargs if isinstance(block.tool_kwargs, str) else json.dumps(block.tool_kwargs)


def _user_blocks(content: Any) -> list[ContentBlock]:
    if content is None or isinstance(content, str):
        return [TextBlock(text=content or "")]
    blocks: list[ContentBlock] = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "image_url":
            blocks.append(ImageBlock(url=part["image_url"]["url"]))
        else:
            blocks.append(TextBlock(text=content_text([part])))
    return blocks


def _chat_content(message: ChatMessage) -> Any:
    if len(message.blocks) == 1 and isinstance(message.blocks[0], TextBlock):
        return message.blocks[0].text
    parts: list[dict[str, Any]] = []
    for block in message.blocks:
        if isinstance(block, ImageBlock) and block.url is not None:
            parts.append({"type": "image_url", "image_url": {"url": str(block.url)}})
        elif isinstance(block, TextBlock):
            parts.append({"type": "text", "text": block.text})
    return parts


class Transcript(BaseMemory):
    """A memory that keeps every message, verbatim and in order.

    LlamaIndex's default memory trims the history to a token budget (counted with a tokenizer), so
    the model could be sent less than the run's conversation; the core sends all of it, on every
    framework, and a provider's own context limit is the provider's error. (The bridge's context
    window is unbounded too, for a ``native`` agent left on LlamaIndex's default memory.) It also
    spares tokenizing the whole history on every turn.
    """

    messages: list[ChatMessage] = Field(default_factory=list)

    @classmethod
    def class_name(cls) -> str:
        """LlamaIndex's name for this memory type."""
        return "AnyAgentTranscript"

    @classmethod
    def from_defaults(cls, **kwargs: Any) -> Transcript:
        """An empty transcript."""
        return cls()

    def get(self, input: str | None = None, **kwargs: Any) -> list[ChatMessage]:
        """All messages: nothing is trimmed."""
        return list(self.messages)

    def get_all(self) -> list[ChatMessage]:
        """All messages."""
        return list(self.messages)

    def put(self, message: ChatMessage) -> None:
        """Append one message."""
        self.messages.append(message)

    def set(self, messages: list[ChatMessage]) -> None:
        """Replace the messages."""
        self.messages = list(messages)

    def reset(self) -> None:
        """Forget every message."""
        self.messages = []
