"""Detectors for `KeepLocal`: what in a model call's messages must not leave the machine.

A detector is any callable taking the text of a call's messages and returning what it found, as
names (``["e-mail address"]``; empty when nothing), never the matched text itself: the names go
into the trace. `PiiDetector` is the one shipped: e-mail addresses, phone numbers, IBANs (checked by
their mod-97 checksum, so an order number rarely passes for one) and your own regular expressions.
It is a simple pattern matcher, not a data-loss-prevention product: test it on your data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from any_agent.model.types import Message

__all__ = ["Detector", "PiiDetector", "messages_text"]

Detector = Callable[[str], Sequence[str]]
"""Takes the text of a call's messages; returns the names of what it found (empty: nothing)."""

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)[1-9][\d\s().-]{6,}\d"  # international: +33 6 12 34 56 78, 0044 20 7946 0958
    r"|0[1-9][\d\s().-]{6,}\d"  # national with a trunk prefix: 06 12 34 56 78, 030 1234567
    r"|\(\d{2,4}\)[\d\s.-]{5,}\d"  # (555) 123-4567
    r"|\d{3}[-.]\d{3}[-.]\d{4}"  # 555-123-4567
    r")(?!\w)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")


class PiiDetector:
    """Finds e-mail addresses, phone numbers, IBANs and the ``patterns`` you give.

    ``patterns`` maps a name (what the trace says was found) to a regular expression; a plain list
    of expressions is named ``pattern 1``, ``pattern 2``...
    """

    def __init__(
        self,
        *,
        emails: bool = True,
        phones: bool = True,
        ibans: bool = True,
        patterns: Mapping[str, str] | Sequence[str] = (),
    ) -> None:
        named = patterns.items() if isinstance(patterns, Mapping) else enumerate(patterns, start=1)
        self.patterns = {
            (name if isinstance(name, str) else f"pattern {name}"): re.compile(expression) for name, expression in named
        }
        self.emails, self.phones, self.ibans = emails, phones, ibans

    def __repr__(self) -> str:
        kinds = [name for name, on in self._builtin() if on] + list(self.patterns)
        return f"PiiDetector({', '.join(kinds)})"

    def __call__(self, text: str) -> list[str]:
        """The names of what ``text`` holds, in a fixed order."""
        found = [name for name, on in self._builtin() if on and self._has(name, text)]
        return found + [name for name, pattern in self.patterns.items() if pattern.search(text)]

    def _builtin(self) -> list[tuple[str, bool]]:
        return [("e-mail address", self.emails), ("phone number", self.phones), ("IBAN", self.ibans)]

    @staticmethod
    def _has(name: str, text: str) -> bool:
        if name == "e-mail address":
            return _EMAIL.search(text) is not None
        if name == "phone number":
            return any(8 <= sum(c.isdigit() for c in match.group()) <= 15 for match in _PHONE.finditer(text))
        return any(_valid_iban(match.group()) for match in _IBAN.finditer(text))


def _valid_iban(candidate: str) -> bool:
    """Whether ``candidate`` passes the IBAN checksum (ISO 13616: mod 97 of the rearranged digits is 1)."""
    iban = candidate.replace(" ", "")
    if not 15 <= len(iban) <= 34:
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def messages_text(messages: Sequence[Message]) -> str:
    """Everything a call's messages would send, as one text: contents, text parts, tool-call arguments."""
    return "\n".join(_texts(messages))


def _texts(messages: Sequence[Message]) -> Iterator[str]:
    for message in messages:
        yield from _content(message.get("content"))
        tool_calls: Any = message.get("tool_calls") or ()
        for call in tool_calls:
            function: Any = call.get("function", {}) if isinstance(call, Mapping) else {}
            if isinstance(function, Mapping) and isinstance(function.get("arguments"), str):
                yield function["arguments"]


def _content(content: Any) -> Iterator[str]:
    if isinstance(content, str):
        yield content
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                yield part["text"]
            elif isinstance(part, str):
                yield part
