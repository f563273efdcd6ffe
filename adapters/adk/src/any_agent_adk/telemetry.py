"""ADK's own OpenTelemetry spans, kept out of the user's traces during any-agent runs.

ADK writes its spans (``invoke_agent``, ``call_llm``, ``execute_tool``...) to the global tracer
provider, where they would duplicate the core's. Its tracer is replaced, once, by one that asks
`quiet` first: inside an any-agent run (unless ``agent_args={"telemetry": True}``) a span is a
non-recording stand-in that carries its parent's context, so the core's own spans, started inside
ADK's, keep their parents. The user's providers are never touched, and ADK driven directly
(``native``) traces as usual.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from google.adk.telemetry import tracing
from opentelemetry import trace

__all__ = ["install", "quiet"]

quiet: ContextVar[bool] = ContextVar("any_agent_adk_quiet", default=False)
"""True while an any-agent run with ADK's telemetry off is running (ADK's tasks inherit it)."""


class _GatedTracer:
    """ADK's tracer, or a silent one while `quiet` is set (the two methods ADK calls)."""

    def __init__(self, inner: trace.Tracer) -> None:
        self.inner = inner

    def start_span(self, name: str, context: Any = None, *args: Any, **kwargs: Any) -> trace.Span:
        """ADK's span, or a non-recording one with the parent's context."""
        if quiet.get():
            return trace.NonRecordingSpan(trace.get_current_span(context).get_span_context())
        return self.inner.start_span(name, context, *args, **kwargs)

    @contextlib.contextmanager
    def start_as_current_span(self, name: str, context: Any = None, *args: Any, **kwargs: Any) -> Iterator[trace.Span]:
        """ADK's span made current, or the current span left as it is."""
        if quiet.get():
            yield trace.get_current_span(context)
            return
        with self.inner.start_as_current_span(name, context, *args, **kwargs) as span:
            yield span


def install() -> None:
    """Put the gated tracer wherever ADK's modules hold its tracer (idempotent)."""
    original = tracing.tracer
    if isinstance(original, _GatedTracer):
        return
    gated = _GatedTracer(original)
    for name, module in list(sys.modules.items()):
        if name.startswith("google.adk") and getattr(module, "tracer", None) is original:
            module.tracer = gated  # type: ignore[attr-defined]
