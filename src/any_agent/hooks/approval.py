"""`ApproveTools`: a person (or a policy) approves tool calls before they run.

``ask`` is called with the call (tool name and arguments) and returns, or awaits, the decision:
True / False, or a `Decision` with a reason. A denied call never runs; the model is sent an error
result with the reason (the same text on every framework) and the run goes on, so the model can
try something else. A plain function runs on a thread of its own, so a person taking their time
at a prompt does not stall the run's other work; ``ask_in_terminal`` is the asker of
``any-agent run --approve``.
"""

from __future__ import annotations

import inspect
import json
import sys
import threading
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import IO, Any

from any_agent import _portal
from any_agent.hooks.base import Hooks, ToolCallDenied, ToolInvocation

__all__ = ["ApproveTools", "Decision", "ask_in_terminal"]


@dataclass(frozen=True)
class Decision:
    """An answer to an approval request."""

    approved: bool
    reason: str = ""
    """Why a call was denied; the model is told it."""


Asker = Callable[[ToolInvocation], bool | Decision] | Callable[[ToolInvocation], Awaitable[bool | Decision]]


class ApproveTools(Hooks):
    """Ask before calls of ``tools`` (every tool when None) run.

    Args:
        tools: The names of the tools whose calls need approval; None for every tool.
        ask: Takes the `ToolInvocation`, returns (or awaits) True/False or a `Decision`.
            Default: `ask_in_terminal`.
    """

    def __init__(self, tools: Collection[str] | None = None, ask: Asker | None = None) -> None:
        self.tools = None if tools is None else frozenset(tools)
        self.ask: Asker = ask or ask_in_terminal

    async def before_tool_call(self, call: ToolInvocation) -> None:
        """Ask, and deny the call unless approved."""
        if self.tools is not None and call.name not in self.tools:
            return
        answer: Any
        if inspect.iscoroutinefunction(self.ask) or inspect.iscoroutinefunction(type(self.ask).__call__):
            answer = self.ask(call)
        else:  # a person at a prompt must not stall the event loop
            answer = await _portal.in_thread(self.ask, call)
        if inspect.isawaitable(answer):
            answer = await answer
        decision = answer if isinstance(answer, Decision) else Decision(bool(answer))
        if not decision.approved:
            raise ToolCallDenied(decision.reason or "the user did not approve it")


_terminal = threading.Lock()
"""One question at a time: a turn's tool calls may run concurrently."""


def ask_in_terminal(call: ToolInvocation, *, read: IO[str] | None = None, write: IO[str] | None = None) -> Decision:
    """Show the call on the terminal and read y/n (anything but y or yes denies).

    Reads the controlling terminal (``/dev/tty``) when standard input is not one (a piped prompt),
    so the question reaches the person, and denies when there is no terminal at all.
    """
    with _terminal:
        out = write or sys.stderr
        arguments = json.dumps(call.arguments, ensure_ascii=False)
        out.write(f"\nThe agent wants to call {call.name}({arguments})\nAllow? [y/N] ")
        out.flush()
        try:
            line = _read_line(read)
        except OSError:
            out.write("\n")
            return Decision(False, "no terminal to ask for approval")
        approved = line.strip().lower() in {"y", "yes"}
        return Decision(approved, "" if approved else "the user did not approve it")


def _read_line(read: IO[str] | None) -> str:
    if read is not None:
        return read.readline()
    if sys.stdin is not None and sys.stdin.isatty():
        return sys.stdin.readline()
    with open("/dev/tty", encoding="utf-8") as tty:
        return tty.readline()
