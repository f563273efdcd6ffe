"""Where spans go: the user's global tracer provider when they set one, and each run's recorder.

We never replace a global tracer provider. If the user installed an SDK `TracerProvider`, our spans
are created on it (so their exporters see them) and our recorder is added to it as one more span
processor. If not, spans are created on a private provider that only feeds the recorders, so nothing
is exported anywhere unless the user configured it.

A recorder collects the spans of one run: the root ``invoke_agent`` span and every span whose parent
it has already collected. That is exact even when many runs share one OpenTelemetry trace (runs
started inside the user's own span) and when runs interleave on one event loop. A run nested in
another (an agent used as a tool) is collected by both recorders: its own, and its caller's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Final

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider

__all__ = ["SpanListener", "SpanRecorder", "add_span_listener", "get_tracer"]

SpanListener = Callable[[ReadableSpan], None]
"""Called with each span as it ends, in whichever thread ends it (keep it quick)."""

_TRACER_NAME: Final = "any_agent"


class SpanRecorder:
    """The finished spans of one run, in the order they ended."""

    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []
        self._lock = threading.Lock()

    def add(self, span: ReadableSpan) -> None:
        """Keep a finished span."""
        with self._lock:
            self.spans.append(span)


class _RecordingProcessor(SpanProcessor):
    """Routes each finished span to the recorder of the run it belongs to."""

    def __init__(self) -> None:
        self._owners: dict[int, tuple[SpanRecorder, ...]] = {}
        self._listeners: list[SpanListener] = []
        self._lock = threading.Lock()

    def add_listener(self, listener: SpanListener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def watch(self, span_id: int, recorder: SpanRecorder) -> None:
        with self._lock:
            # A span already collected (a nested run's root, under its caller's tool span) stays so.
            self._owners[span_id] = (*self._owners.get(span_id, ()), recorder)

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if span.parent is None:
            return
        with self._lock:
            owner = self._owners.get(span.parent.span_id)
            if owner is not None and span.context is not None:
                self._owners[span.context.span_id] = owner

    def on_end(self, span: ReadableSpan) -> None:
        if span.context is None:
            return
        with self._lock:
            owner = self._owners.pop(span.context.span_id, None)
            listeners = list(self._listeners)
        for recorder in owner or ():
            recorder.add(span)
        for listener in listeners:
            listener(span)

    def shutdown(self) -> None:
        with self._lock:
            self._owners.clear()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


_processor = _RecordingProcessor()
_private_provider: TracerProvider | None = None
_hooked_providers: set[int] = set()
_lock = threading.Lock()
_last: tuple[trace.TracerProvider, trace.Tracer] | None = None
"""The global provider seen last and our tracer for it.

Every span asks for the tracer, and the SDK's `TracerProvider.get_tracer` builds two scope objects
and mutates the global warnings filters on every call before returning the tracer it already has
for our name; a new global provider (the user installing theirs) misses this and is hooked as before.
"""


def get_tracer() -> trace.Tracer:
    """The tracer for any-agent's spans, on the user's SDK provider if there is one."""
    global _private_provider, _last
    provider = trace.get_tracer_provider()
    last = _last
    if last is not None and last[0] is provider:
        return last[1]
    with _lock:
        source = provider
        if isinstance(provider, TracerProvider):
            if id(provider) not in _hooked_providers:
                provider.add_span_processor(_processor)
                _hooked_providers.add(id(provider))
        else:
            if _private_provider is None:
                _private_provider = TracerProvider()
                _private_provider.add_span_processor(_processor)
            provider = _private_provider
        tracer = provider.get_tracer(_TRACER_NAME)
        _last = (source, tracer)
    return tracer


def record(span: trace.Span, recorder: SpanRecorder) -> None:
    """Collect ``span`` and all its descendants into ``recorder``."""
    _processor.watch(span.get_span_context().span_id, recorder)


def add_span_listener(listener: SpanListener) -> Callable[[], None]:
    """Call ``listener`` with every span on any-agent's tracer provider as it ends (live progress).

    Returns a function that removes the listener. Spans reach listeners before the run that owns
    them has finished, unlike `AgentTrace`, which is built when the run ends.
    """
    get_tracer()  # settle on the provider, so the processor is attached
    return _processor.add_listener(listener)
