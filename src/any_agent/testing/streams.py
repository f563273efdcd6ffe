"""What became of each streamed answer: sent to the end, cut by a fault, or closed by the client.

A client that stops reading a stream (a user who broke out of `Agent.stream`, a cancelled task)
should close its connection; only the server can see that it did. The HTTP server reports each
streamed answer here, and `ScriptedLLM.streams` / `ScriptedLLM.wait_for_streams` let a test read it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Literal

from any_agent.testing.types import ChatRequest

__all__ = ["StreamEnd", "StreamRecord", "StreamTracker"]

StreamEnd = Literal["completed", "client_closed", "cut", "server_stopped"]
"""How a stream ended: every chunk and ``[DONE]`` written; the client closed the connection first;
a `Fault.truncated_stream` dropped it; the server stopped."""


@dataclass(frozen=True)
class StreamRecord:
    """One streamed answer as the server saw it."""

    request: ChatRequest
    chunks: int
    """How many ``chat.completion.chunk`` events the answer has."""
    sent: int
    """How many of them were written before the stream ended (or so far)."""
    end: StreamEnd | None
    """How it ended; None while it is still streaming."""

    @property
    def closed_by_client(self) -> bool:
        """True when the client closed the connection before the answer was complete.

        Seen only while the server waits between chunks (`Fault.slow_stream`): an answer written
        all at once lands in the socket's buffers whether or not the client reads it.
        """
        return self.end == "client_closed"


class StreamTracker:
    """The server's side of one `StreamRecord`: it counts chunks and says how the stream ended."""

    def __init__(self, request: ChatRequest, chunks: int, changed: threading.Condition) -> None:
        """Start tracking a stream of ``chunks`` chunks; ``changed`` is notified on its end."""
        self._request = request
        self._chunks = chunks
        self._sent = 0
        self._end: StreamEnd | None = None
        self._changed = changed

    def sent(self) -> None:
        """One more chunk was written."""
        with self._changed:
            self._sent += 1

    def end(self, how: StreamEnd) -> None:
        """The stream ended (the first call wins: a stream ends once)."""
        with self._changed:
            if self._end is None:
                self._end = how
                self._changed.notify_all()

    @property
    def open(self) -> bool:
        """True until the stream ended."""
        with self._changed:
            return self._end is None

    def record(self) -> StreamRecord:
        """A snapshot of the stream."""
        with self._changed:
            return StreamRecord(self._request, self._chunks, self._sent, self._end)


def wait_until_ended(trackers: list[StreamTracker], changed: threading.Condition, timeout: float) -> list[StreamRecord]:
    """Wait until every tracked stream has ended, at most ``timeout`` seconds; then their records."""
    deadline = time.monotonic() + timeout
    with changed:
        while any(tracker.open for tracker in trackers):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                still = [tracker.record() for tracker in trackers if tracker.open]
                raise TimeoutError(
                    f"{len(still)} stream(s) still open after {timeout}s: "
                    + ", ".join(f"{r.sent}/{r.chunks} chunks sent" for r in still)
                )
            changed.wait(remaining)
        return [tracker.record() for tracker in trackers]
