"""One run's conversation, as the model sees it and as CrewAI handles it.

CrewAI keeps its own message list: its system prompt, the user's request re-rendered as a "Current
Task", and tool-call turns whose arguments it has already parsed. The model must instead see the
user's messages verbatim and the tool calls exactly as it wrote them, and the core tool boundary
must receive the raw argument text (invalid JSON included). So each tool call is handed to CrewAI
tagged with a token; the tool bridge trades the token back for the raw call, and the model bridge
trades CrewAI's copy of a turn back for the model's own message.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from any_agent.model.types import Message, ModelResponse, ToolCall

__all__ = ["Conversation"]

TOKEN = "__any_agent_call__"
_KEPT_KEYS = ("role", "content", "tool_calls", "tool_call_id")


class Conversation:
    """The messages of one run; built per run, so concurrent runs never share one."""

    def __init__(self, input_messages: list[Message] | None) -> None:
        """``input_messages`` is the run's input; None leaves CrewAI's messages as they are."""
        self._input = input_messages
        self._prefix: list[Message] | None = None
        self._calls: dict[str, ToolCall] = {}
        self._turns: dict[str, Message] = {}
        self._lock = threading.Lock()
        self.last_reply: str | None = None
        """The text of the model's last answer that asked for no tools."""

    def request(self, messages: list[Message]) -> list[Message]:
        """CrewAI's messages for a model call, translated into what the model is sent.

        CrewAI's first list is its rendering of the input (system prompt, history, task); every
        later list starts with those same message objects. That prefix is replaced by CrewAI's
        system prompt and the input messages verbatim. Where CrewAI rewrote its list (context
        summarization), its messages are sent as they are.
        """
        with self._lock:
            if self._prefix is None:
                self._prefix = list(messages)
            prefix = self._prefix
        head: list[Message] = []
        rest = messages
        if (
            self._input is not None
            and len(messages) >= len(prefix)
            and all(ours is theirs for ours, theirs in zip(prefix, messages, strict=False))
        ):
            head = [_kept(message) for message in prefix[:1] if message.get("role") == "system"]
            head += [dict(message) for message in self._input]
            rest = messages[len(prefix) :]
        return head + [self._restored(message) for message in rest]

    def hand_over(self, response: ModelResponse) -> list[dict[str, Any]]:
        """The model's tool calls in the form CrewAI executes, each tagged with its token."""
        if self._input is None:  # a native agent outside any-agent runs: plain CrewAI semantics
            return [call.to_openai() for call in response.tool_calls]
        message = response.to_message()
        handed = []
        with self._lock:
            for call in response.tool_calls:
                token = uuid.uuid4().hex
                self._calls[token] = call
                self._turns[token] = message
                function = {"name": call.name, "arguments": _tagged(call.arguments, token)}
                handed.append({"id": call.id, "type": "function", "function": function})
        return handed

    def take(self, arguments: dict[str, Any]) -> tuple[str | dict[str, Any], str | None]:
        """The raw arguments and call id of the tool call CrewAI runs with ``arguments``."""
        token = arguments.pop(TOKEN, None)
        with self._lock:
            call = self._calls.pop(token, None) if isinstance(token, str) else None
        return (call.arguments, call.id) if call is not None else (arguments, None)

    def _restored(self, message: Message) -> Message:
        calls = message.get("tool_calls")
        if message.get("role") == "assistant" and calls:
            original = self._turns.get(_token_of(calls[0]) or "")
            if original is not None:
                return dict(original)
        return _kept(message)


def _kept(message: Message) -> Message:
    """The message without CrewAI's bookkeeping keys (cache breakpoints, tool names, files)."""
    return {key: message[key] for key in _KEPT_KEYS if key in message}


def _tagged(raw: str, token: str) -> str:
    """Arguments CrewAI can parse, keeping the parsed ones visible to its events and hooks."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    return json.dumps({**(parsed if isinstance(parsed, dict) else {}), TOKEN: token})


def _token_of(call: Any) -> str | None:
    try:
        token = json.loads(call["function"]["arguments"]).get(TOKEN)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return token if isinstance(token, str) else None
