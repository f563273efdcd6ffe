"""`RunContext`: the state of one run that the core's boundaries share.

Every model call and tool call of a run is tied to its run explicitly (the bridges pass the
context) or through a context variable. The explicit route matters because some frameworks call
models and tools from worker threads that do not inherit context variables; a bridge built for a
run can hold its `RunContext` and still put its spans in the right trace.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.context import Context

from any_agent.model.types import Message
from any_agent.tools.ledger import CallLedger
from any_agent.tracing.content import capture_content

if TYPE_CHECKING:
    from any_agent.config import AgentConfig
    from any_agent.hooks.chain import HookChain
    from any_agent.streaming.sink import EventSink

__all__ = ["RunContext", "current_run"]

_current: contextvars.ContextVar[RunContext | None] = contextvars.ContextVar("any_agent_run", default=None)
_stream_to: contextvars.ContextVar[EventSink | None] = contextvars.ContextVar("any_agent_stream_to", default=None)


@contextmanager
def streaming_to(sink: EventSink) -> Iterator[None]:
    """Inside the block, a run started (or a task created, which copies the context) streams to ``sink``."""
    token = _stream_to.set(sink)
    try:
        yield
    finally:
        _stream_to.reset(token)


def _take_event_sink() -> EventSink | None:
    """The sink the run being created streams to.

    Taken, so runs started inside it (an agent used as a tool) do not stream into their caller's stream.
    """
    sink = _stream_to.get()
    if sink is not None:
        _stream_to.set(None)
    return sink


@dataclass
class RunContext:
    """One run in progress."""

    config: AgentConfig
    framework: str
    conversation_id: str
    input_messages: list[Message]
    """The run's input as chat messages (history first, the new user message last); no system prompt."""
    span: trace.Span
    """The run's ``invoke_agent`` span: the parent of every ``chat`` and ``execute_tool`` span."""
    model_calls: int = 0
    model_route: int = 0
    """Which of the model client's routes (0 = primary) served the run's last model call."""
    turn_limit_hit: bool = False
    """Set when the model was asked for one more turn than ``max_turns`` allows."""
    failure: BaseException | None = None
    """The first failure a boundary hit that the framework must not be allowed to swallow."""
    calls: CallLedger = field(default_factory=CallLedger, repr=False)
    """The tool calls the model asked for in this run, as it wrote them (see `CallLedger`)."""
    records_content: bool = field(default_factory=capture_content, repr=False)
    """Whether the run's spans record message contents (see `any_agent.tracing.content`)."""
    events: EventSink | None = field(default_factory=_take_event_sink, repr=False)
    """Where a streamed run's boundaries put its events (see `any_agent.streaming`); None otherwise."""
    hooks: HookChain | None = field(default=None, repr=False)
    """The agent's hooks (see `any_agent.hooks`); None when it has none, and the boundaries skip them."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _calls: set[asyncio.Task[object]] = field(default_factory=set, repr=False)

    def track(self, task: asyncio.Task[object]) -> None:
        """Count ``task`` (a tool call, maybe on another thread's loop) among the run's calls in flight."""
        with self._lock:
            self._calls.add(task)

    def untrack(self, task: asyncio.Task[object]) -> None:
        """The call is over."""
        with self._lock:
            self._calls.discard(task)

    async def cancel_calls(self, grace: float) -> None:
        """Cancel the run's calls in flight and wait up to ``grace`` seconds for them to end.

        A framework that runs on its own threads waits for its tool calls there; cancelling the run's
        own task does not reach them, so a cancelled run cancels them here.
        """
        with self._lock:
            calls = list(self._calls)
        waits = []
        for task in calls:
            loop = task.get_loop()
            loop.call_soon_threadsafe(task.cancel)
            waits.append(asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_ended(task), loop)))
        if waits:
            await asyncio.wait(waits, timeout=grace)

    def begin_model_call(self) -> bool:
        """Count a model call; False (and the limit flag set) when it would exceed ``max_turns``."""
        with self._lock:
            if self.model_calls >= self.config.max_turns:
                self.turn_limit_hit = True
                return False
            self.model_calls += 1
            return True

    def fail(self, error: BaseException) -> None:
        """Remember the first failure; the run ends with it whatever the framework does next."""
        with self._lock:
            if self.failure is None:
                self.failure = error

    @property
    def span_context(self) -> Context:
        """An OpenTelemetry context whose current span is the run's root span."""
        return trace.set_span_in_context(self.span)

    def activate(self) -> contextvars.Token[RunContext | None]:
        """Make this the current run in this context (undo with `deactivate`)."""
        return _current.set(self)

    @staticmethod
    def deactivate(token: contextvars.Token[RunContext | None]) -> None:
        """Restore the run that was current before `activate`."""
        _current.reset(token)


def current_run() -> RunContext | None:
    """The run this code executes in, if any."""
    return _current.get()


async def _ended(task: asyncio.Task[object]) -> None:
    await asyncio.wait([task])
