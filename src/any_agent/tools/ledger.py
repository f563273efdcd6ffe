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
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, cast

from any_agent.adapter_kit.messages import AssistantMessage, Message
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
        self._answers: dict[str, ModelResponse] = {}
        self._turns: dict[str, AssistantMessage] = {}
        """The assistant message of each answer, made when a framework's history first needs it."""
        self._pending: dict[str, ToolCall] = {}
        """Calls not dispatched yet, in the order the model asked for them."""
        self._lock = threading.Lock()
        self._vouched: Sequence[Message] | None = None
        self.span_json: dict[int, tuple[Message, str | None]] | None = None
        """For a vouched history: each message's ``chat`` span JSON by ``id``, made once (`input_messages_json`),
        and under 0 its system instructions' JSON."""

    def record(self, response: ModelResponse) -> None:
        """Keep the calls of a model answer (called by the model boundary as the answer arrives)."""
        if not response.tool_calls:
            return
        with self._lock:
            for call in response.tool_calls:
                self._calls[call.id] = call
                self._answers[call.id] = response
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

    def _turn(self, call_id: str) -> AssistantMessage | None:
        """The assistant message the model wrote with call ``call_id``, made on first use.

        Read without the lock: dict lookups are atomic, entries are only added, and two threads
        making one turn make equal ones.
        """
        turn = self._turns.get(call_id)
        if turn is None:
            answer = self._answers.get(call_id)
            if answer is None:
                return None
            turn = answer.to_message()
            for call in answer.tool_calls:
                self._turns[call.id] = turn
        return turn

    def vouch(self, history: Sequence[Message]) -> None:
        """Let ``history`` through `restore` as it is: a list the core keeps itself, of the model's own turns.

        `tiny` keeps its conversation so (each answer's `ModelResponse.to_message` and the tool
        results it writes), so restoring it would only spend time on every call. A framework's
        history is never vouched for. Its messages are never changed once sent, so the ``chat``
        spans convert each to JSON once, not on every call (the history grows by a turn a call).
        """
        self._vouched = history
        self.span_json = {}

    def restore(self, messages: Sequence[Message]) -> list[Message]:
        """The history with the model's own turns put back where the framework rewrote them.

        An assistant message whose tool calls the ledger holds becomes the turn the model wrote;
        tool results keep only the chat-completions keys. Everything else is left as it is, and a
        message that is already what the model wrote is passed on without a copy (this runs on
        every model call, over the whole history).
        """
        if messages is self._vouched:
            return list(messages)
        restored: list[Message] = []
        for message in messages:
            if message["role"] == "tool":
                restored.append(message if message.keys() <= _TOOL_SET else _only(message, _TOOL_KEYS))
            elif message["role"] == "assistant" and (calls := message.get("tool_calls")):
                restored.append(_restored_turn(message, calls, self._turn))
            else:
                restored.append(message)
        return restored


def _restored_turn(
    message: AssistantMessage, calls: Sequence[Any], turn_of: Callable[[str], AssistantMessage | None]
) -> AssistantMessage:
    """The model's own turn for a framework's copy of it (the copy itself when it is already that)."""
    first = calls[0].get("id") if isinstance(calls[0], dict) else None
    turn = turn_of(str(first)) if first is not None else None
    if turn is None:
        return cast(AssistantMessage, _only(message, _ASSISTANT_KEYS))
    recorded = turn.get("tool_calls", [])
    if recorded == calls:
        unchanged = message.keys() <= _ASSISTANT_SET and turn.get("content") == message.get("content")
        return message if unchanged else turn.copy()
    if [call["id"] for call in recorded] == [str(call.get("id")) for call in calls if isinstance(call, dict)]:
        return turn.copy()  # the framework reworded the calls: the model is shown what it wrote
    return cast(AssistantMessage, _only(message, _ASSISTANT_KEYS))


def _only(message: Message, keys: tuple[str, ...]) -> Message:
    """The message with only the chat-completions ``keys`` of its role (a framework may add its own)."""
    raw: Mapping[str, Any] = message
    return cast(Message, {key: raw[key] for key in keys if key in raw})


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
