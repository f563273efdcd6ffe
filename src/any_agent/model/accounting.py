"""`RunAccountingModel`: what a model call does to its run.

It counts the call against ``max_turns`` (raising `TurnLimitReached` past it), re-raises the run's
first failure to a framework that carries on after swallowing it, records a call's failure as the
run's, records the tool calls the model asked for in the run's `CallLedger`, and remembers which
route served, so that with the ``stay`` policy a run keeps using the
fallback that took over. Calls outside a run pass straight through.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from any_agent.context import RunContext
from any_agent.errors import ModelCallError
from any_agent.model.base import CallListener, Model, ModelRequest, WrapperModel
from any_agent.model.route import ModelRoute
from any_agent.model.types import FinalResponse, ModelResponse, StreamChunk

__all__ = ["RunAccountingModel", "TurnLimitReached"]


class TurnLimitReached(Exception):
    """Raised into the framework when it asks for a model turn past ``max_turns``.

    The run itself then ends with `MaxTurnsExceeded`, whatever the framework does with this.
    """


class RunAccountingModel(WrapperModel):
    """Keeps a run's model-call books around the wrapped model."""

    def __init__(self, inner: Model, *, stay_on_fallback: bool, single_route: bool = False) -> None:
        super().__init__(inner)
        self.stay_on_fallback = stay_on_fallback
        """Start each call from the route that served the run's last one (the ``stay`` policy)."""
        self.follow_routes = not single_route
        """Whether there are routes to follow: with one, every call is served by route 0."""

    async def request(self, request: ModelRequest) -> ModelResponse:
        """The wrapped model's answer, counted against the run."""
        run = request.run
        if run is None:
            return await self.inner.request(request)
        served = self._begin(run, request)
        try:
            response = await self.inner.request(request if served is None else request.heard_by(served, served.index))
        except ModelCallError as error:
            run.fail(error)
            raise
        if served is not None:
            run.model_route = served.index
        run.calls.record(response)
        return response

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """The wrapped model's stream, counted against the run."""
        run = request.run
        if run is None:
            async with aclosing(self.inner.stream(request)) as chunks:
                async for chunk in chunks:
                    yield chunk
            return
        served = self._begin(run, request)
        try:
            async with aclosing(
                self.inner.stream(request if served is None else request.heard_by(served, served.index))
            ) as chunks:
                async for chunk in chunks:
                    if isinstance(chunk, FinalResponse):
                        if served is not None:
                            run.model_route = served.index
                        run.calls.record(chunk.response)
                    yield chunk
        except ModelCallError as error:
            run.fail(error)
            raise

    def _begin(self, run: RunContext, request: ModelRequest) -> _ServedRoute | None:
        """Count the call; return what follows its route (None when there is only one route)."""
        if run.failure is not None:
            raise run.failure
        if not run.begin_model_call():
            raise TurnLimitReached(f"max_turns={run.config.max_turns} reached")
        if not self.follow_routes:
            return None
        return _ServedRoute(run.model_route if self.stay_on_fallback else 0, request.listener)


class _ServedRoute(CallListener):
    """Follows which route is serving the call, and passes everything on."""

    def __init__(self, index: int, forward: CallListener) -> None:
        self.index = index
        self.forward = forward

    def retrying(self, route: ModelRoute, attempt: int, reason: str, delay: float) -> None:
        self.forward.retrying(route, attempt, reason, delay)

    def falling_back(self, failed: ModelRoute, following: ModelRoute, index: int, reason: str) -> None:
        self.index = index
        self.forward.falling_back(failed, following, index, reason)
