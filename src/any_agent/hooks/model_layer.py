"""`HookedModel`: the model client's layer that calls the hooks around each model call.

It sits just inside the ``chat`` span (`InstrumentedModel`) and outside the fallback chain, so the
hooks run once per call whichever route serves it, and what they do is reported through the
request's listener onto the span: an edited request (the span shows what was really sent, the
event which hook changed what), a replaced answer, a rerouted call, a run ended by a hook.

In a streamed call with an ``after_model_call`` hook, the answer is held back until the hooks have
seen it, then passed on whole: a hook that may replace the text must see it before the user does.
Without such a hook, chunks pass through as they come.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any

from any_agent.errors import ModelStreamError
from any_agent.hooks.base import AbortRun, ModelCall, RouteTarget
from any_agent.hooks.chain import HookChain, HookError, plain_copy
from any_agent.model.base import Model, ModelRequest, WrapperModel
from any_agent.model.fallback import FallbackModel
from any_agent.model.route import ModelRoute
from any_agent.model.types import FinalResponse, ModelResponse, StreamChunk, replay

__all__ = ["HookedModel"]

RouteModel = Callable[[RouteTarget], tuple[ModelRoute, Model]]
"""Resolves a reroute target to its route and the model that serves it (the client builds both)."""


class HookedModel(WrapperModel):
    """Runs the chain's model hooks around the wrapped model (the fallback chain)."""

    def __init__(self, inner: Model, hooks: HookChain, route_model: RouteModel) -> None:
        super().__init__(inner)
        self.hooks = hooks
        self.route_model = route_model

    async def request(self, request: ModelRequest) -> ModelResponse:
        """The wrapped model's answer to the hooked request, as the hooks leave it."""
        request, model, call = await self._before(request)
        response = await model.request(request)
        return await self._after(request, call, response)

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """The wrapped model's stream for the hooked request (held back for ``after_model_call`` hooks)."""
        request, model, call = await self._before(request)
        async with aclosing(model.stream(request)) as chunks:
            if not self.hooks.after_model:
                async for chunk in chunks:
                    yield chunk
                return
            response = None
            async for chunk in chunks:
                if isinstance(chunk, FinalResponse):
                    response = chunk.response
        if response is None:
            raise ModelStreamError("the model's stream ended without an answer")
        for chunk in replay(await self._after(request, call, response)):
            yield chunk

    async def _before(self, request: ModelRequest) -> tuple[ModelRequest, Model, ModelCall | None]:
        """Run ``before_model_call`` hooks: the request to send, the model to send it to, the call they saw."""
        if not self.hooks.before_model and not self.hooks.after_model:
            return request, self.inner, None
        route = self.inner.route(request)
        call = ModelCall(
            plain_copy(list(request.messages)),
            dict(request.params),
            request.tools,
            str(route.model_id),
            route.is_local,
            request.run,
        )
        model = self.inner
        for hook in self.hooks.before_model:
            # The hook edits its own copy; ``request`` holds the state before it (hooks never touch it).
            call._hook = hook.hook_name
            await self._invoke(request, hook, "before_model_call", call)
            changes = [name for name, old, new in _fields(request, call) if old != new]
            if changes:
                before = request.messages
                request = request.replace(messages=plain_copy(call.messages), params=dict(call.model_args))
                request.listener.request_edited(hook.hook_name, changes, request, before)
            if call.rerouted is not None:
                target, reason, by = call.rerouted
                call.rerouted = None
                rerouted, model = self.route_model(target)
                request.listener.rerouted(by, route, rerouted, reason)
                route = rerouted
                call.model, call.local = str(route.model_id), route.is_local
        if call.pinned and isinstance(model, FallbackModel):  # only the route it was about to go to
            model = model.models[request.first_route]
        return request, model, call

    async def _after(self, request: ModelRequest, call: ModelCall | None, response: ModelResponse) -> ModelResponse:
        if call is None:
            return response
        for hook in self.hooks.after_model:
            replacement = await self._invoke(request, hook, "after_model_call", call, response)
            if replacement is None or replacement is response:
                continue
            original = response
            response = (
                dataclasses.replace(response, content=replacement) if isinstance(replacement, str) else replacement
            )
            if not isinstance(response, ModelResponse):
                error = TypeError(f"after_model_call returned {type(replacement).__name__}, not str or ModelResponse")
                raise self._stopped(request, HookError(hook.hook_name, "after_model_call", error)) from error
            request.listener.response_replaced(hook.hook_name, original, response)
        return response

    async def _invoke(self, request: ModelRequest, hook: Any, method: str, *args: Any) -> Any:
        try:
            return await self.hooks.invoke(hook, method, *args)
        except (AbortRun, HookError) as stop:
            self._stopped(request, stop)
            raise

    @staticmethod
    def _stopped(request: ModelRequest, stop: AbortRun | HookError) -> AbortRun | HookError:
        """Record that a hook ended the run (the framework may swallow the exception; the run will not)."""
        if isinstance(stop, AbortRun):
            request.listener.hook_stopped(stop.hook or "?", "run_aborted", stop.reason)
        else:
            request.listener.hook_stopped(stop.hook, "hook_failed", str(stop))
        if request.run is not None:
            request.run.fail(stop)
        return stop


def _fields(before: ModelRequest, call: ModelCall) -> list[tuple[str, Any, Any]]:
    return [("messages", list(before.messages), call.messages), ("model_args", before.params, call.model_args)]
