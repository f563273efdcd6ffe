"""A history's system messages through frameworks whose conversation has no system role.

Some frameworks (ADK's contents, AG2's events) only hold user and model turns, so a system or
developer message of a run's input would reach the model as user text. Such an adapter carries it
as a user turn whose text part is marked with the role in the part's metadata, and turns a marked
part back into the message it was, so the model is sent the conversation `tiny` sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from any_agent.adapter_kit.messages import Message, SystemMessage

__all__ = ["ROLE_KEY", "instruction_mark", "is_instruction", "marked_instruction"]

ROLE_KEY = "any_agent.role"
"""The metadata key holding the role of a marked system or developer message."""


def is_instruction(message: Message) -> bool:
    """Whether ``message`` is a system or developer message."""
    return message["role"] == "system" or message["role"] == "developer"


def instruction_mark(message: Message) -> dict[str, str] | None:
    """The metadata marking ``message``'s text part as a system or developer message (None for others)."""
    return {ROLE_KEY: message["role"]} if is_instruction(message) else None


def marked_instruction(metadata: Mapping[str, Any] | None, text: str) -> SystemMessage | None:
    """The system or developer message a text part with this metadata carries (None when it is user text)."""
    role = (metadata or {}).get(ROLE_KEY)
    if role == "system" or role == "developer":
        return SystemMessage(role=role, content=text)
    return None
