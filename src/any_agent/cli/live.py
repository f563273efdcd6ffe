"""Seeing a run's spans as they end, for live progress (the core's span-listener hook, scoped)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from any_agent.tracing.collector import SpanListener, add_span_listener

__all__ = ["SpanListener", "span_listener"]


@contextmanager
def span_listener(listener: SpanListener) -> Iterator[bool]:
    """Call ``listener`` with every span of any-agent that ends while the block runs.

    Yields True (live progress is always available). The listener runs in whichever thread ends the
    span: keep it quick.
    """
    remove = add_span_listener(listener)
    try:
        yield True
    finally:
        remove()
