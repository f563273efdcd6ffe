"""`FallbackModel`: another route takes over a call the one before could not serve.

Only failures another model can fix move on (`ModelCallError.fallback_ok`: the provider down after
its retries, access revoked, the model gone), never a bad request, which every model would refuse.
Each move is reported to the request's listener (the ``chat`` span records it and is renamed after
the route that serves). A stream moves on only until its first chunk.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing

from any_agent.errors import ModelCallError
from any_agent.model.base import Model, ModelRequest
from any_agent.model.route import ModelRoute
from any_agent.model.types import ModelResponse, StreamChunk

__all__ = ["FallbackModel"]


class FallbackModel(Model):
    """Routes tried in order, from the request's ``first_route``."""

    def __init__(self, models: Sequence[Model]) -> None:
        if not models:
            raise ValueError("a fallback chain needs at least one model")
        self.models = list(models)

    def __repr__(self) -> str:
        return f"FallbackModel({self.models!r})"

    def route(self, request: ModelRequest) -> ModelRoute:
        """The route the chain starts from for ``request``."""
        return self.models[request.first_route].route(request)

    async def request(self, request: ModelRequest) -> ModelResponse:
        """The first answer a route gives, moving on after failures another model can fix."""
        for index in range(request.first_route, len(self.models)):
            try:
                return await self.models[index].request(request)
            except ModelCallError as error:
                self._move_on(request, index, error)
        raise AssertionError("unreachable: the last route re-raises")

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """The first route's stream that starts, moving on only while nothing was sent."""
        for index in range(request.first_route, len(self.models)):
            started = False
            try:
                async with aclosing(self.models[index].stream(request)) as chunks:
                    async for chunk in chunks:
                        started = True
                        yield chunk
                return
            except ModelCallError as error:
                if started:
                    raise
                self._move_on(request, index, error)
        raise AssertionError("unreachable: the last route re-raises")

    def _move_on(self, request: ModelRequest, index: int, error: ModelCallError) -> None:
        """Report the move to route ``index + 1``, or re-raise when there is none or it cannot help."""
        if not error.fallback_ok or index + 1 == len(self.models):
            raise error
        failed, following = self.models[index].route(request), self.models[index + 1].route(request)
        request.listener.falling_back(failed, following, index + 1, str(error))
