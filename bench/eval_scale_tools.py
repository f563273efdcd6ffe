"""The tool and scripted model of bench/eval_scale.py (a module, so Ray workers can import it)."""

from __future__ import annotations

import re

from any_agent.testing import ChatRequest, Reply, ScriptedToolCall, answer


def lookup(item: str) -> str:
    """Look an item up.

    Args:
        item: What to look up.
    """
    return f"{item}: in stock"


def scripted(request: ChatRequest) -> Reply:
    """First turn: look the item up; then answer with the tool's result."""
    item = re.search(r"item \d+", request.last_user_message)
    if request.turn == 0 and item:
        return Reply(tool_calls=[ScriptedToolCall(name="lookup", arguments={"item": item.group(0)})])
    return answer(request, str(request.tool_results[-1].get("content")) if request.tool_results else "?")
