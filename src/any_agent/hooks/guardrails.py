"""Guardrails: hooks that check the run's input or its final output, and end the run when they trip.

A guardrail's check is a function (sync or async) or another agent. A function returns what it
decided: None, False or "" pass; True or a reason (a non-empty string) trip; so does a
`GuardrailVerdict`. An agent decides by its answer, so it must have ``output_type=GuardrailVerdict``.
A tripped guardrail ends the run with `GuardrailTripped` (a `RunAborted`) naming it; a check that
fails (raises, or its agent's run fails) fails the run too, rather than letting the input through.

The input guardrail runs before the first model call (no tokens are spent on an input it rejects);
the output guardrail runs when the run has its answer, before the run returns (in a streamed run,
the answer's text has been shown by then; the run still ends with ``run_failed``).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from any_agent.errors import ConfigError
from any_agent.hooks.base import AbortRun, Hooks, RunAborted

if TYPE_CHECKING:
    from any_agent.agent import Agent
    from any_agent.context import RunContext
    from any_agent.tracing.trace import AgentTrace

__all__ = ["GuardrailTripped", "GuardrailVerdict", "InputGuardrail", "OutputGuardrail"]


class GuardrailVerdict(BaseModel):
    """A guardrail's decision; the ``output_type`` of an agent used as a guardrail."""

    tripped: bool
    """Whether the text must be stopped."""
    reason: str = ""
    """Why, in a few words (it goes into the error and the trace)."""


Check = Callable[[str], Any] | Callable[[str], Awaitable[Any]]
"""A guardrail's function: takes the text, returns None/False/"" (pass), True/a reason/a `GuardrailVerdict`."""


class GuardrailTripped(RunAborted):
    """A guardrail stopped the run.

    Attributes:
        guardrail: The guardrail's name.
    """

    @property
    def guardrail(self) -> str:
        """The name of the guardrail that tripped."""
        return self.hook


class _Tripped(AbortRun):
    error = GuardrailTripped

    def describe(self) -> str:
        return f"guardrail {self.hook or '?'} tripped: {self.reason}"


class _Guardrail(Hooks):
    def __init__(self, check: Check | Agent, *, name: str | None = None) -> None:
        from any_agent.agent import Agent

        if isinstance(check, Agent):
            output_type = check.config.output_type
            if not (isinstance(output_type, type) and issubclass(output_type, GuardrailVerdict)):
                raise ConfigError(
                    f"an agent used as a guardrail decides by its answer: create {check.config.name!r} with "
                    "output_type=GuardrailVerdict",
                    field="hooks",
                )
        elif not callable(check):
            raise ConfigError(f"a guardrail checks with a function or an Agent, not {check!r}", field="hooks")
        self.check = check
        self.name = (
            name
            or getattr(check, "__name__", None)
            or (check.config.name if isinstance(check, Agent) else type(self).__name__)
        )

    async def _judge(self, text: str) -> None:
        """Raise `_Tripped` when the check trips on ``text``."""
        from any_agent.agent import Agent

        if isinstance(self.check, Agent):
            verdict: Any = (await self.check.run_async(text)).final_output
        else:
            verdict = self.check(text)
            if inspect.isawaitable(verdict):
                verdict = await verdict
        reason = _reason(verdict)
        if reason is not None:
            raise _Tripped(reason)


class InputGuardrail(_Guardrail):
    """Checks the run's new user message before any model sees it.

    Args:
        check: A function of the message's text, or an agent with ``output_type=GuardrailVerdict``.
        name: How errors and the trace name it (default: the function's or the agent's name).
    """

    async def on_run_start(self, run: RunContext) -> None:
        """Judge the last user message of the run's input."""
        users = [message for message in run.input_messages if message.get("role") == "user"]
        await self._judge(_text(users[-1].get("content")) if users else "")


class OutputGuardrail(_Guardrail):
    """Checks the run's final answer (a structured one as its JSON) before the run returns it.

    Args:
        check: A function of the answer's text, or an agent with ``output_type=GuardrailVerdict``.
        name: How errors and the trace name it (default: the function's or the agent's name).
    """

    async def on_run_end(self, run: RunContext, trace: AgentTrace) -> None:
        """Judge the answer of a run that has one."""
        if run.failure is not None or trace.final_output is None:
            return
        output = trace.final_output
        await self._judge(output.model_dump_json() if isinstance(output, BaseModel) else str(output))


def _reason(verdict: Any) -> str | None:
    if isinstance(verdict, GuardrailVerdict):
        return (verdict.reason or "tripped") if verdict.tripped else None
    if verdict is None or verdict is False or verdict == "":
        return None
    if verdict is True:
        return "tripped"
    if isinstance(verdict, str):
        return verdict
    raise TypeError(f"a guardrail check returns None, a bool, a reason or a GuardrailVerdict, not {verdict!r}")


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""
