"""Closing provider clients on the event loop that owns them.

An HTTP client's connections belong to the loop that opened them, and asyncio transports must only
be touched from that loop's thread. The provider SDKs close a client that is garbage collected by
scheduling ``aclose()`` on whatever loop is running in the thread that happens to collect it
(``openai``'s ``AsyncHttpxClientWrapper.__del__``, for one). With frameworks running agents on
threads of their own, that is often another loop in another thread: the close then removes readers
from the owning loop's selector behind its back, and once left a concurrent request waiting for a
response that had already arrived.

So the core closes every provider it opens itself, on its own loop, before the SDK's ``__del__``
can: when the route that owns it is dropped (`close_on_their_loops`, from a finalizer, which may
run in any thread) and when its loop shuts down (`close_at_shutdown`: ``asyncio.run`` and other
runners call ``loop.shutdown_asyncgens()`` before closing a loop, the one hook asyncio offers).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import AsyncGenerator, Mapping, MutableMapping
from typing import Any

__all__ = ["aclose_provider", "close_at_shutdown", "close_now", "close_on_their_loops"]

logger = logging.getLogger(__name__)


class _LoopProviders:
    """The providers opened on one loop: closed on it when dropped, and at its shutdown."""

    def __init__(self) -> None:
        self.open: weakref.WeakSet[Any] = weakref.WeakSet()
        self.closing: set[Any] = set()
        """Dropped providers held until closed: ``asyncio.run`` cancels a pending close task."""
        self.guard: AsyncGenerator[None] | None = None
        """Parked async generator whose ``aclose()`` at the loop's shutdown closes the rest."""

    async def close_all(self) -> None:
        await asyncio.gather(*(aclose_provider(provider) for provider in {*self.open, *self.closing}))
        self.closing.clear()

    async def close_dropped(self, provider: Any) -> None:
        await aclose_provider(provider)
        self.closing.discard(provider)


_loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopProviders] = weakref.WeakKeyDictionary()

_tasks: set[asyncio.Task[None]] = set()
"""Close tasks in flight: the loop keeps only weak references to tasks."""


async def close_at_shutdown(provider: Any) -> None:
    """Close ``provider`` when the running loop shuts down (if it is still open then)."""
    loop = asyncio.get_running_loop()
    providers = _loops.get(loop)
    if providers is None:
        providers = _loops[loop] = _LoopProviders()
        providers.guard = _close_on_shutdown(providers)
        await anext(providers.guard)  # registers it with the loop (its first-iteration hook)
    providers.open.add(provider)


async def _close_on_shutdown(providers: _LoopProviders) -> AsyncGenerator[None]:
    try:
        yield
    finally:
        await providers.close_all()


def close_on_their_loops(providers: Mapping[asyncio.AbstractEventLoop, Any]) -> None:
    """Close each provider on its own loop; safe from any thread, a finalizer's included.

    A provider whose loop is already closed has no loop left to close it on; its connections went
    with the loop's shutdown (`close_at_shutdown`) or are dropped with it.
    """
    for loop, provider in list(providers.items()):
        if loop.is_closed():
            continue
        try:
            loop.call_soon_threadsafe(_close_dropped, provider)
        except RuntimeError:  # closed in the meantime
            continue


async def close_now(providers: MutableMapping[asyncio.AbstractEventLoop, Any]) -> None:
    """Close and forget every provider in ``providers``.

    Those of the running loop are closed before returning, the others on their own loops, soon after.
    """
    loop = asyncio.get_running_loop()
    opened = dict(providers)
    providers.clear()
    here = opened.pop(loop, None)
    close_on_their_loops(opened)
    if here is not None:
        await aclose_provider(here)


def _close_dropped(provider: Any) -> None:
    loop = asyncio.get_running_loop()
    providers = _loops.setdefault(loop, _LoopProviders())
    providers.closing.add(provider)
    task = loop.create_task(providers.close_dropped(provider))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def aclose_provider(provider: Any) -> None:
    """Close an any-llm provider's SDK client, whatever its SDK calls that (``close`` or ``aclose``)."""
    client = getattr(provider, "client", None)
    for name in ("close", "aclose"):
        close = getattr(client, name, None)
        if callable(close):
            try:
                result = close()
                if inspect.isawaitable(result):
                    await result
            except Exception:  # closing is best effort: the connections are being dropped anyway
                logger.debug("closing %r failed", client, exc_info=True)
            return
