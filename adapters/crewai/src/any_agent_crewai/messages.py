"""One run's conversation, as the model sees it and as CrewAI handles it.

CrewAI keeps its own message list: its system prompt, the user's request re-rendered as a "Current
Task", and tool-call turns whose arguments it has already parsed. The model must instead see the
user's messages verbatim and its own turns as it wrote them. The core puts the model's own turns
back (`any_agent.tools.ledger.CallLedger.restore`); this module puts the user's input back.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, cast

from any_agent.adapter_kit.messages import Message

__all__ = ["Conversation"]

_KEPT_KEYS = ("role", "content", "tool_calls", "tool_call_id")


class Conversation:
    """The messages of one run; built per run, so concurrent runs never share one."""

    def __init__(self, input_messages: list[Message] | None) -> None:
        """``input_messages`` is the run's input; None leaves CrewAI's messages as they are."""
        self._input = input_messages
        self._prefix: list[Message] | None = None
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
            head += [message.copy() for message in self._input]
            rest = messages[len(prefix) :]
        return head + [_kept(message) for message in rest]


def _kept(message: Message) -> Message:
    """The message without CrewAI's bookkeeping keys (cache breakpoints, tool names, files)."""
    crewai: Mapping[str, Any] = message  # typed as ours, but CrewAI's dict, with keys of its own
    return cast(Message, {key: crewai[key] for key in _KEPT_KEYS if key in crewai})
