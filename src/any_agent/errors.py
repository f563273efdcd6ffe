"""The errors a user of any-agent can catch.

Every error says what to do next (which field to fix, which package to install). A run that fails
part-way raises :class:`AgentRunError`, which carries the trace recorded up to the failure, so a
failed run loses nothing.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from any_agent.tracing.trace import AgentTrace

__all__ = [
    "AdapterNotFoundError",
    "AgentRunError",
    "AnyAgentError",
    "ConfigError",
    "MaxTurnsExceeded",
    "ModelCallError",
    "ModelResponseError",
    "ModelStreamError",
    "RunCancelled",
    "RunInterrupted",
    "ToolDefinitionError",
]


class AnyAgentError(Exception):
    """Base class of every error any-agent raises on purpose."""


class ConfigError(AnyAgentError, ValueError):
    """An `AgentConfig` (or the file it came from) cannot be used as written.

    Raised when the agent is created, before anything runs, and names the offending field.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class ToolDefinitionError(ConfigError):
    """A tool cannot be described to a model (no type hints, an unsupported parameter type...)."""


class AdapterNotFoundError(ConfigError):
    """No installed adapter serves the requested framework."""


class ModelCallError(AnyAgentError):
    """A model call failed for good, after the retries the policy allows.

    Attributes:
        status_code: The HTTP status the provider answered, when the failure was an HTTP error.
        retryable: Whether the failure was of a kind retries could have fixed (429, 5xx, timeout).
        fallback_ok: Whether another model could serve the call (unlike a malformed request).
    """

    def __init__(
        self, message: str, *, status_code: int | None = None, retryable: bool = False, fallback_ok: bool = False
    ) -> None:
        self.status_code = status_code
        self.retryable = retryable
        self.fallback_ok = fallback_ok
        super().__init__(message)


class ModelResponseError(ModelCallError):
    """The model answered, but its answer could not be read into a `ModelResponse`.

    A bug or an answer of a shape nobody expected, not a provider failure: asking again or asking
    another model would hide it, so it is neither retried nor a reason to fall back. The exception
    that stopped the reading is the ``__cause__``.
    """


class ModelStreamError(ModelCallError):
    """A streamed answer failed after part of it had been delivered.

    Not retried and not a reason to fall back: the consumer already holds deltas a new answer would
    repeat or contradict.
    """


class AgentRunError(AnyAgentError):
    """A run failed; `trace` holds every span recorded before the failure.

    Attributes:
        trace: The partial trace of the failed run (its root span is marked ERROR).
        cause: The underlying exception, also available as ``__cause__``.
    """

    def __init__(self, message: str, *, trace: AgentTrace, cause: BaseException | None = None) -> None:
        self.trace = trace
        self.cause = cause
        super().__init__(message)


class MaxTurnsExceeded(AgentRunError):
    """The agent wanted more model turns than `AgentConfig.max_turns` allows."""

    def __init__(self, max_turns: int, *, trace: AgentTrace, cause: BaseException | None = None) -> None:
        self.max_turns = max_turns
        super().__init__(
            f"The agent did not finish within max_turns={max_turns} model turns. Raise "
            "AgentConfig.max_turns if the task needs more steps, or check the trace for a tool loop.",
            trace=trace,
            cause=cause,
        )


class RunCancelled(asyncio.CancelledError):
    """`Agent.run_async` was cancelled (``asyncio.wait_for`` timed out, a task was cancelled).

    It is a cancellation like any other (asyncio treats it as one), carrying what the run recorded:
    ``asyncio.wait_for`` raises `TimeoutError` with this as its ``__cause__``.

    Attributes:
        trace: The partial trace (its root span is marked ERROR, "cancelled").
    """

    def __init__(self, trace: AgentTrace) -> None:
        self.trace = trace
        super().__init__("the run was cancelled")


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during `Agent.run`: the run was cancelled and this is raised at once.

    A `KeyboardInterrupt`, so it stops a program as Ctrl-C does, carrying what the run recorded. A
    synchronous tool still running is left to finish on its own thread; its ``execute_tool`` span
    says it was abandoned.

    Attributes:
        trace: The partial trace (its root span is marked ERROR, "cancelled").
    """

    def __init__(self, trace: AgentTrace) -> None:
        self.trace = trace
        super().__init__("the run was interrupted")
