"""`RetryingModel`: asks the model below again after a failure worth another try.

`any_agent.model.retry` decides (which failures, how long to wait); this layer applies it to one
route and turns the failure it gives up on into a `ModelCallError` that says what happened. Our own
errors (`AnyAgentError`: an answer that could not be read, a local server that did not start) are
final: they pass through untouched.

A stream is retried only until its first chunk: after that the consumer holds part of an answer a
new attempt would repeat, so a failure is a `ModelStreamError` instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing

from any_agent.errors import AnyAgentError, ModelCallError, ModelStreamError
from any_agent.model.base import Model, ModelRequest, WrapperModel
from any_agent.model.retry import RetryPolicy, classify
from any_agent.model.route import ModelRoute
from any_agent.model.types import ModelResponse, StreamChunk

__all__ = ["RetryingModel"]


class RetryingModel(WrapperModel):
    """Retries the wrapped model's failed calls per a `RetryPolicy`, with bounded backoff."""

    def __init__(self, inner: Model, policy: RetryPolicy) -> None:
        super().__init__(inner)
        self.policy = policy

    async def request(self, request: ModelRequest) -> ModelResponse:
        """The wrapped model's answer, asked again while the policy allows."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self.inner.request(request)
            except AnyAgentError:
                raise
            except Exception as error:
                await self._wait_or_raise(request, error, attempt)

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """The wrapped model's stream, opened again while the policy allows and nothing was sent."""
        attempt = 0
        while True:
            attempt += 1
            started = False
            try:
                async with aclosing(self.inner.stream(request)) as chunks:
                    async for chunk in chunks:
                        started = True
                        yield chunk
                return
            except AnyAgentError:
                raise
            except Exception as error:
                if started:
                    route = self.inner.route(request)
                    reason = f"{classify(error).reason}, after the answer had started streaming"
                    raise ModelStreamError(_describe_failure(route, error, reason, attempt)) from error
                await self._wait_or_raise(request, error, attempt)

    async def _wait_or_raise(self, request: ModelRequest, error: Exception, attempt: int) -> None:
        decision = classify(error)
        delay = self.policy.delay(attempt, decision)
        route = self.inner.route(request)
        if delay is None:
            raise ModelCallError(
                _describe_failure(route, error, decision.reason, attempt),
                status_code=decision.status_code,
                retryable=decision.retryable,
                fallback_ok=bool(decision.fallback_ok),
            ) from error
        request.listener.retrying(route, attempt, decision.reason, delay)
        await asyncio.sleep(delay)


def _describe_failure(route: ModelRoute, error: BaseException, reason: str, attempts: int) -> str:
    where = f" at {route.api_base}" if route.api_base else ""
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    return route.redact(f"model call to {route.model_id}{where} failed{tried} ({reason}): {error}")
