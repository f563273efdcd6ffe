"""Faults: the ways a real model endpoint fails, made on demand.

Retries, timeouts and error reporting are the code paths real providers exercise least
predictably; a `Fault` makes each of them happen exactly when a test wants, either queued with
`ScriptedLLM.inject` or returned by a handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from any_agent.testing.types import Reply

__all__ = ["Fault", "FaultKind"]

FaultKind = Literal["error", "slow", "slow_stream", "malformed", "truncated", "echo_authorization"]

# OpenAI's error ``type`` and ``code`` for the statuses tests use most; clients branch on them.
_ERROR_KINDS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "bad_request"),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", "forbidden"),
    404: ("invalid_request_error", "model_not_found"),
    408: ("timeout_error", "request_timeout"),
    409: ("invalid_request_error", "conflict"),
    413: ("invalid_request_error", "request_too_large"),
    422: ("invalid_request_error", "unprocessable_entity"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
}


def _format_seconds(value: float) -> str:
    # "0.01", "2", "0": what HTTP clients parse as a float without an exponent.
    return f"{value:f}".rstrip("0").rstrip(".") or "0"


def _describe(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"HTTP {status}"
    return f"{phrase} (scripted fault)"


@dataclass(frozen=True)
class Fault:
    """One failure of the model endpoint. Build it with the class methods, not the constructor."""

    kind: FaultKind
    status_code: int = 200
    message: str = ""
    error_type: str = ""
    code: str | None = None
    retry_after: float | None = None
    """Seconds sent in the ``Retry-After`` header; None sends no header."""
    seconds: float = 0.0
    """How long a ``slow`` fault waits before answering; a ``slow_stream`` one, between chunks."""
    reply: Reply | None = None
    """What a ``slow`` or ``slow_stream`` fault answers (see `slow`)."""
    burst: int = 0
    """How many chunks a ``slow_stream`` fault sends at once before it starts waiting."""

    @classmethod
    def rate_limit(cls, retry_after: float | None = 0.01, message: str | None = None) -> Fault:
        """HTTP 429 with a ``Retry-After`` header (unless None): the provider says "slow down"."""
        return cls._error(429, message, retry_after)

    @classmethod
    def server_error(cls, status: int = 500, retry_after: float | None = 0.0, message: str | None = None) -> Fault:
        """A 5xx (500, 502, 503...): the provider failed; a client should retry.

        The default ``Retry-After: 0`` keeps a client's retry immediate, so tests stay fast.
        """
        if not 500 <= status <= 599:
            raise ValueError(f"a server error has a 5xx status, not {status}")
        return cls._error(status, message, retry_after)

    @classmethod
    def status(cls, code: int, message: str | None = None) -> Fault:
        """Any error status (400, 401, 404...) with an OpenAI-style error body and no ``Retry-After``."""
        if not 400 <= code <= 599:
            raise ValueError(f"a fault has an error status (400-599), not {code}")
        return cls._error(code, message, None)

    @classmethod
    def slow(cls, seconds: float, reply: Reply | None = None) -> Fault:
        """Wait ``seconds``, then answer normally: for a client timeout to fire first.

        It answers ``reply`` when given; otherwise, injected, what the handler answers, and
        returned by a handler, an empty text answer. The wait ends early when the server stops.
        """
        if seconds < 0:
            raise ValueError("a slow fault waits a positive number of seconds")
        return cls(kind="slow", seconds=seconds, reply=reply)

    @classmethod
    def slow_stream(cls, seconds: float, *, burst: int = 2, reply: Reply | None = None) -> Fault:
        """Stream the answer slowly: ``burst`` chunks at once, then one every ``seconds``.

        The default burst is the role chunk and the first piece of text, so a reader has text in
        hand while the rest is still to come. While it waits, the server watches the connection: a
        client that closes it is recorded (`ScriptedLLM.streams`, ``end="client_closed"``), which
        is how a test sees that a cancelled run really closed its provider connection. A plain
        request gets the whole answer after ``seconds``. The answer is ``reply`` when given, else
        the handler's; the waits end early when the server stops.
        """
        if seconds < 0:
            raise ValueError("a slow stream waits a positive number of seconds between chunks")
        if burst < 0:
            raise ValueError("burst is a number of chunks, 0 or more")
        return cls(kind="slow_stream", seconds=seconds, reply=reply, burst=burst)

    @classmethod
    def malformed(cls) -> Fault:
        """HTTP 200 whose body, labelled JSON, is not JSON: a broken proxy or provider."""
        return cls(kind="malformed")

    @classmethod
    def truncated_stream(cls) -> Fault:
        """A dropped connection part-way through the answer.

        A streamed answer sends a few chunks, then closes without ``data: [DONE]`` or the end of
        the chunked body; a plain answer sends half of its announced JSON body.
        """
        return cls(kind="truncated")

    @classmethod
    def echo_authorization(cls, status: int = 401) -> Fault:
        """An error whose body repeats the request's ``Authorization`` header, as some providers' 401s do.

        For checking that a key never leaks into errors, logs or tracebacks: the message is
        ``Incorrect API key provided: <the Authorization header as received>``.
        """
        if not 400 <= status <= 599:
            raise ValueError(f"a fault has an error status (400-599), not {status}")
        error_type, code = _ERROR_KINDS.get(status, ("server_error", "server_error"))
        return cls(
            kind="echo_authorization",
            status_code=status,
            message="Incorrect API key provided: {authorization}",
            error_type=error_type,
            code=code,
        )

    @classmethod
    def _error(cls, status: int, message: str | None, retry_after: float | None) -> Fault:
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after is a number of seconds, 0 or more")
        error_type, code = _ERROR_KINDS.get(status, ("server_error", "server_error"))
        return cls(
            kind="error",
            status_code=status,
            message=message or _describe(status),
            error_type=error_type,
            code=code,
            retry_after=retry_after,
        )

    def error_body(self) -> dict[str, Any]:
        """The OpenAI-style JSON body of an ``error`` fault."""
        return error_body(self.message, self.error_type, self.code)

    def headers(self) -> dict[str, str]:
        """The extra response headers of an ``error`` fault (``Retry-After``)."""
        if self.retry_after is None:
            return {}
        return {"Retry-After": _format_seconds(self.retry_after)}


def error_body(message: str, error_type: str, code: str | None) -> dict[str, Any]:
    """An error in OpenAI's shape, which every OpenAI-compatible client knows how to read."""
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}
