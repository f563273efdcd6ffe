"""`Conversation`: one run's chat messages as the core keeps them, for smolagents' model calls.

smolagents renders its memory as text for the model (``Calling tools: [...]``, ``Observation:``
in user messages) and ends a run through a ``final_answer`` tool. The model must be sent what
`tiny` sends: the instructions, the run's input verbatim, then each model turn with its tool calls
and each call's result as a ``tool`` message. The model bridge records each answer here and the
tool bridge each result (by call id), so every request is rebuilt from them, in call order.
"""

from __future__ import annotations

import threading
from typing import cast

from any_agent.model.types import Message, ModelResponse

__all__ = ["Conversation"]


class Conversation:
    """The messages of one run; built per run, so concurrent runs never share one."""

    def __init__(self, instructions: str | None, input_messages: list[Message]) -> None:
        self.system = instructions or ""
        """The system prompt the model is sent (``AgentConfig.instructions``)."""
        self._messages: list[Message] = [{"role": "system", "content": instructions}] if instructions else []
        self._messages += [cast(Message, dict(message)) for message in input_messages]
        self._calls: list[str] = []
        """The ids of the last answer's tool calls, whose results go in before the next request."""
        self._results: dict[str, str] = {}
        self._lock = threading.Lock()

    def request(self) -> list[Message]:
        """What the model is sent now: the history so far with the last turn's tool results in call order."""
        with self._lock:
            self._messages += [
                {"role": "tool", "tool_call_id": call_id, "content": self._results.get(call_id, "")}
                for call_id in self._calls
            ]
            self._calls = []
            return list(self._messages)

    def answered(self, response: ModelResponse) -> None:
        """The model's answer, as it wrote it (the tool calls' results are expected next)."""
        with self._lock:
            self._messages.append(response.to_message())
            self._calls = [call.id for call in response.tool_calls]

    def result(self, call_id: str, text: str) -> None:
        """A tool call's result text, as the model is shown it."""
        with self._lock:
            self._results[call_id] = text
