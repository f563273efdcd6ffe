"""Keeping API keys out of errors: their messages, their attributes and their whole exception chain.

A provider may echo the key it was sent (some 401 bodies do), and a provider SDK's exception keeps
the HTTP request and response, headers included. Errors are masked in place, and below a
`ModelCallError` (the provider's side) each exception is replaced by a `RedactedError` that keeps
its type name, status code and masked message, and nothing else (no request, no response, no
traceback frames, whose local variables hold the client and its key).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from any_agent.errors import ModelCallError

__all__ = ["MASK", "RedactedError", "redact_chain", "redact_text"]

MASK = "***"

_MIN_SECRET = 4  # shorter strings would mask ordinary text; no real key is this short


class RedactedError(Exception):
    """What a library's exception said, without what it held (in a run error's ``__cause__`` chain).

    Attributes:
        type_name: The original exception's qualified class name, e.g. ``openai.AuthenticationError``.
        status_code: Its HTTP status, when it had one.
    """

    def __init__(self, message: str, *, type_name: str, status_code: int | None = None) -> None:
        self.type_name = type_name
        self.status_code = status_code
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.type_name}: {self.args[0]}"


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret masked."""
    for secret in secrets:
        if len(secret) >= _MIN_SECRET and secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_chain(error: BaseException, secrets: Iterable[str]) -> None:
    """Mask ``secrets`` in ``error`` and everything its ``__cause__``/``__context__`` chain holds.

    In place, so ``raise`` re-raises the same object. Exceptions keep their class and attributes
    (strings masked), except below a `ModelCallError`: that is the provider SDK's side, whose
    exceptions hold the HTTP request and response, so each is replaced by a `RedactedError`.
    """
    secrets = [secret for secret in secrets if len(secret) >= _MIN_SECRET]
    _mask(error, secrets, seen=set())


def _mask(error: BaseException, secrets: list[str], seen: set[int]) -> None:
    seen.add(id(error))
    error.args = tuple(redact_text(arg, secrets) if isinstance(arg, str) else arg for arg in error.args)
    for name, value in list(_attributes(error).items()):
        if isinstance(value, str):
            with contextlib.suppress(AttributeError):  # a read-only property
                setattr(error, name, redact_text(value, secrets))
    provider_side = isinstance(error, ModelCallError)
    cause, context = error.__cause__, error.__context__
    error.__cause__ = _safe(cause, secrets, seen, provider_side) if cause is not None else None
    if context is cause or error.__suppress_context__:
        error.__context__ = None  # never printed; dropped so nothing holds the original
    elif context is not None:
        error.__context__ = _safe(context, secrets, seen, provider_side)


def _safe(error: BaseException, secrets: list[str], seen: set[int], provider_side: bool) -> BaseException | None:
    if id(error) in seen:
        return None  # a cycle
    if not provider_side or isinstance(error, RedactedError):
        _mask(error, secrets, seen)
        return error
    seen.add(id(error))
    try:
        message = str(error)
    except Exception:
        message = "<message could not be read>"
    status = getattr(error, "status_code", None)
    kind = type(error)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    detail = RedactedError(
        redact_text(message, secrets),
        type_name=f"{module}{kind.__qualname__}",
        status_code=status if isinstance(status, int) else None,
    )
    if error.__cause__ is not None:
        detail.__cause__ = _safe(error.__cause__, secrets, seen, provider_side)
    elif error.__context__ is not None and not error.__suppress_context__:
        detail.__context__ = _safe(error.__context__, secrets, seen, provider_side)
    return detail


def _attributes(error: BaseException) -> dict[str, object]:
    try:
        return dict(vars(error))
    except TypeError:  # no __dict__
        return {}
