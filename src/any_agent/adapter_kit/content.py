"""Message content as text, the same way everywhere.

OpenAI-format content is a string, None, or a list of typed parts; frameworks that keep one text
per message (and the GenAI span attributes) need it flattened, and must flatten it identically.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["content_text"]


def content_text(content: Any) -> str:
    """The text of a message's content: a string as it is, the text parts of a list joined, None as ""."""
    if isinstance(content, str):
        return content
    if content is None:
        return ""
    if isinstance(content, list):
        return "".join(part if isinstance(part, str) else _part_text(part) for part in content)
    return json.dumps(content, default=str)


def _part_text(part: Any) -> str:
    text = part.get("text") if isinstance(part, dict) else None
    return text if isinstance(text, str) else ""
