"""When a failed model call is worth another try, and how long to wait first.

Retried: 429 (after the server's ``Retry-After`` when it sends one), 5xx, timeouts and dropped
connections. Not retried: anything the same request would fail again with (400, 401, 404, a context
overflow). Waits grow exponentially with jitter and are bounded, so a run never hangs on a provider.
Once retries are exhausted, a fallback model may take over from failures that are the model's or the
provider's (the retryable ones, 401/403 access revoked, 404 model gone), never from a bad request.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["RetryDecision", "RetryPolicy", "classify"]

_RETRYABLE_TYPES = ("timeout", "connection")
_REPLACEABLE_STATUSES = {401, 403, 404}
_REPLACEABLE_ERRORS = {"AuthenticationError", "ModelNotFoundError", "InsufficientFundsError"}


@dataclass(frozen=True)
class RetryDecision:
    """What the policy concluded about one failure."""

    retryable: bool
    reason: str
    status_code: int | None = None
    retry_after: float | None = None
    fallback_ok: bool | None = None
    """Whether another model could serve the call; by default, whatever retries could fix."""

    def __post_init__(self) -> None:
        if self.fallback_ok is None:
            object.__setattr__(self, "fallback_ok", self.retryable)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff."""

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    """The longest ``Retry-After`` honoured; a server asking for more fails the call instead."""

    def delay(self, attempt: int, decision: RetryDecision) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or None to give up."""
        if not decision.retryable or attempt > self.max_retries:
            return None
        if decision.retry_after is not None:
            return decision.retry_after if decision.retry_after <= self.max_retry_after else None
        backoff: float = min(self.max_delay, self.initial_delay * 2 ** (attempt - 1))
        return backoff * (0.5 + random.random() / 2)


def classify(error: BaseException, *, retry_timeouts: bool = True) -> RetryDecision:
    """Classify an exception raised by an any-llm call (unified exceptions or the provider SDK's).

    ``retry_timeouts=False`` (a one-slot local server, see `ModelRoute.retries_timeouts`) leaves a
    timeout to the fallback models instead of retrying it.
    """
    decision = _classify(error)
    if not retry_timeouts and decision.reason == "timeout":
        return RetryDecision(False, "timeout, not retried on a one-slot local server", fallback_ok=True)
    return decision


def _classify(error: BaseException) -> RetryDecision:
    status = _status_code(error)
    retry_after = _retry_after(error)
    name = type(error).__name__.lower()
    original = getattr(error, "original_exception", None)
    original_name = type(original).__name__.lower() if original is not None else ""
    if status == 429:
        return RetryDecision(True, "rate limited (429)", status, retry_after)
    if status is not None and status >= 500:
        return RetryDecision(True, f"server error ({status})", status, retry_after)
    if status is None and any(kind in name or kind in original_name for kind in _RETRYABLE_TYPES):
        return RetryDecision(True, "timeout" if "timeout" in name + original_name else "connection failed")
    if status is None and isinstance(error, TimeoutError | ConnectionError):
        return RetryDecision(True, type(error).__name__)
    reason = f"HTTP {status}" if status else type(error).__name__
    # Access revoked or model gone: this model cannot serve the call, another may.
    replaceable = status in _REPLACEABLE_STATUSES or type(error).__name__ in _REPLACEABLE_ERRORS
    return RetryDecision(False, reason, status, fallback_ok=replaceable)


def _status_code(error: BaseException) -> int | None:
    for candidate in (error, getattr(error, "original_exception", None)):
        status = getattr(candidate, "status_code", None)
        if isinstance(status, int):
            return status
    return None


def _retry_after(error: BaseException) -> float | None:
    value: Any = getattr(error, "retry_after", None)
    if value is None:
        for candidate in (error, getattr(error, "original_exception", None)):
            response = getattr(candidate, "response", None)
            headers = getattr(response, "headers", None)
            if headers is not None and headers.get("retry-after") is not None:
                value = headers.get("retry-after")
                break
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        parsed = email.utils.parsedate_to_datetime(str(value)) if isinstance(value, str) else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None
