"""`CallLedger`: the tool calls a run's model asked for, exactly as it wrote them.

Frameworks re-parse, rename and re-serialize tool calls on their way to the tools and back into the
history. The core keeps the model's own calls, by call id, the moment the model answers, so that:

* the tool boundary validates the arguments the model wrote (invalid JSON included), whatever the
  framework made of them (`any_agent.tools.dispatch.Toolset.dispatch` looks them up here);
* every later request shows the model its own turns verbatim (`restore`), on every framework.

Frameworks that do not hand a call's id to the tool (CrewAI) are matched by name and arguments
(`claim`): calls of one tool with the same arguments are interchangeable, so the match is exact.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

from any_agent.adapter_kit.messages import AssistantMessage, Message, ToolCallItem
from any_agent.model.types import ModelResponse, ToolCall

__all__ = ["CATCH_ALL", "CallLedger", "arguments_object"]

CATCH_ALL = "any_agent_unknown_tool"
"""The reserved name of the catch-all tool (see `any_agent.tools.dispatch.Toolset.handover`)."""

_ASSISTANT_KEYS = ("role", "content", "tool_calls")
_TOOL_KEYS = ("role", "tool_call_id", "content")
_ASSISTANT_SET = frozenset(_ASSISTANT_KEYS)
_TOOL_SET = frozenset(_TOOL_KEYS)


class CallLedger:
    """One run's tool calls by id, and the assistant turn each came in."""

    def __init__(self) -> None:
        self._calls: dict[str, ToolCall] = {}
        self._turns: dict[str, AssistantMessage] = {}
        self._pending: dict[str, ToolCall] = {}
        """Calls not dispatched yet, in the order the model asked for them."""
        self._lock = threading.Lock()

    def record(self, response: ModelResponse) -> None:
        """Keep the calls of a model answer (called by the model boundary as the answer arrives)."""
        if not response.tool_calls:
            return
        turn = response.to_message()
        with self._lock:
            for call in response.tool_calls:
                self._calls[call.id] = call
                self._turns[call.id] = turn
                self._pending[call.id] = call

    def take(self, call_id: str) -> ToolCall | None:
        """The call with this id, marked dispatched; None for an id the model never wrote."""
        with self._lock:
            call = self._calls.get(call_id)
            if call is not None:
                self._pending.pop(call_id, None)
            return call

    def claim(self, name: str, arguments: Mapping[str, Any], known: Collection[str]) -> ToolCall | None:
        """The oldest undispatched call of tool ``name`` with these (parsed) arguments.

        ``name`` may be the catch-all's (see `Toolset`): it then claims the oldest call of a tool
        not in ``known``.
        """
        wanted = dict(arguments)
        with self._lock:
            for call_id, call in self._pending.items():
                if name == CATCH_ALL:
                    matches = call.name not in known
                else:
                    matches = call.name == name and arguments_object(call.arguments) == wanted
                if matches:
                    del self._pending[call_id]
                    return call
        return None

    def restore(self, messages: Sequence[Message]) -> list[Message]:
        """The history with the model's own turns put back where the framework rewrote them.

        An assistant message whose tool calls the ledger holds becomes the turn the model wrote;
        tool results keep only the chat-completions keys. Everything else is left as it is, and a
        message that is already what the model wrote is passed on without a copy (this runs on
        every model call, over the whole history).
        """
        restored: list[Message] = []
        turns = self._turns  # read without the lock: a dict lookup is atomic, and turns are only added
        for message in messages:
            if message["role"] == "assistant" and message.get("tool_calls"):
                calls = message.get("tool_calls", [])
                first = calls[0].get("id") if isinstance(calls[0], dict) else None
                turn = turns.get(str(first)) if first is not None else None
                recorded = turn.get("tool_calls", []) if turn is not None else []
                if turn is not None and _same_calls(recorded, calls):
                    unchanged = (
                        message.keys() <= _ASSISTANT_SET
                        and recorded == calls
                        and turn.get("content") == message.get("content")
                    )
                    restored.append(message if unchanged else turn.copy())
                    continue
                restored.append(_only(message, _ASSISTANT_KEYS))
            elif message["role"] == "tool" and not message.keys() <= _TOOL_SET:
                restored.append(_only(message, _TOOL_KEYS))
            else:
                restored.append(message)
        return restored


def _only(message: Message, keys: tuple[str, ...]) -> Message:
    """The message with only the chat-completions ``keys`` of its role (a framework may add its own)."""
    raw: Mapping[str, Any] = message
    return cast(Message, {key: raw[key] for key in keys if key in raw})


def _same_calls(recorded: Sequence[ToolCallItem], given: Sequence[Any]) -> bool:
    """Whether a framework's copy of a turn holds the recorded calls, by id (the copy may reword them)."""
    if recorded == given:
        return True
    return [call["id"] for call in recorded] == [str(call.get("id")) for call in given if isinstance(call, dict)]


def arguments_object(raw: str) -> dict[str, Any]:
    """The call's arguments as a JSON object, or ``{}`` when the model wrote something else.

    What a framework that parses arguments itself is handed: it never sees text it would reject in
    its own words, and the core still validates the raw text.
    """
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
