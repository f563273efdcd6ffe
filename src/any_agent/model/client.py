"""The model boundary: every model call of every framework goes through `ModelClient.complete`.

Because the adapters' model bridges all call it, a run's model calls look the same in its trace
whichever framework drove them. The client itself only holds the configuration and composes the
layers that do the work (`_compose`, the one place they are put together), outermost first:

- `RunAccountingModel`: ``max_turns``, the run's first failure, the route the ``stay`` policy keeps;
- `InstrumentedModel`: the ``chat`` span and the call's cost;
- `HookedModel`: the agent's model hooks (with hooks that act on model calls only);
- `FallbackModel`: the next route after a failure another model can fix (with fallbacks only);
- per route, `ConstrainedModel` (constrained decoding, on routes that use it), `RetryingModel`
  (retries with backoff, per `RetryPolicy`) and `ProviderModel` (the any-llm call).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, SecretStr, ValidationError

from any_agent._portal import run_sync
from any_agent.config import FallbackModel as FallbackEntry
from any_agent.context import RunContext, current_run
from any_agent.errors import ConfigError, ModelCallError
from any_agent.hooks.base import RouteTarget
from any_agent.hooks.chain import HookChain
from any_agent.hooks.model_layer import HookedModel
from any_agent.model.accounting import RunAccountingModel, TurnLimitReached
from any_agent.model.base import Model, ModelRequest, json_schema_format
from any_agent.model.constraining import ConstrainedModel
from any_agent.model.fallback import FallbackModel
from any_agent.model.ids import ModelId
from any_agent.model.instrumented import InstrumentedModel
from any_agent.model.provider import ProviderModel
from any_agent.model.retry import RetryPolicy
from any_agent.model.retrying import RetryingModel
from any_agent.model.route import ModelRoute
from any_agent.model.types import Message, ModelResponse, StreamChunk
from any_agent.redaction import redact_chain
from any_agent.streaming.relay import relay_model_stream
from any_agent.tools.ledger import CATCH_ALL

__all__ = ["FallbackPolicy", "ModelClient", "TurnLimitReached", "json_schema_format"]

FallbackPolicy = Literal["stay", "primary_first"]
"""After a fallback served a call: keep using it for the rest of the run, or try the primary first
on every call."""


class ModelClient:
    """One model (provider, id, endpoint, credentials), its fallbacks, retries and tracing.

    ``timeout``, ``retry`` and ``fallback_policy`` are read when the client is built.
    """

    def __init__(
        self,
        model_id: str,
        *,
        api_base: str | None = None,
        api_key: SecretStr | str | None = None,
        model_args: Mapping[str, Any] | None = None,
        timeout: float = 120.0,
        retry: RetryPolicy | None = None,
        fallbacks: Sequence[ModelRoute] = (),
        fallback_policy: FallbackPolicy = "stay",
        constrained: bool | None = None,
        hooks: HookChain | None = None,
    ) -> None:
        self.primary = ModelRoute(model_id, api_base=api_base, api_key=api_key, constrained=constrained)
        self.routes: list[ModelRoute] = [self.primary, *fallbacks]
        self.fallback_policy: FallbackPolicy = fallback_policy
        self.model_args = dict(model_args or {})
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.hooks = hooks
        self.hook_routes: dict[tuple[str, str | None], ModelRoute] = {}
        """The routes hooks reroute calls to, each built once (`HookChain.routes` are built now)."""
        for route in self.routes:
            route.check()
        for target in hooks.routes() if hooks is not None else ():
            self._hook_route(target)
        self._model = self._compose()

    def _compose(self) -> Model:
        """The layers, put together (see the module docstring for what each does)."""
        per_route = [self._route_model(route) for route in self.routes]
        chain = per_route[0] if len(per_route) == 1 else FallbackModel(per_route)
        if self.hooks is not None and self.hooks.on_models:
            chain = HookedModel(chain, self.hooks, self._hook_route)
        return RunAccountingModel(
            InstrumentedModel(chain), stay_on_fallback=self.fallback_policy == "stay", single_route=len(per_route) == 1
        )

    def _route_model(self, route: ModelRoute) -> Model:
        """The layers of one route: provider, retries, and constrained decoding where it applies."""
        model: Model = RetryingModel(ProviderModel(route, timeout=self.timeout, pinned=self.model_args), self.retry)
        return ConstrainedModel(model, route.schema_style) if route.constrained else model

    def _hook_route(self, target: RouteTarget) -> tuple[ModelRoute, Model]:
        """The route a hook reroutes a call to, and its layers (built, and checked, once per target)."""
        try:
            entry = FallbackEntry.model_validate({"model_id": target} if isinstance(target, str) else target)
        except ValidationError as error:
            raise ConfigError(f"a hook's route {target!r} is not a model: {error}", field="hooks") from None
        key = (entry.model_id, entry.api_base)
        route = self.hook_routes.get(key)
        if route is None:
            route = ModelRoute(entry.model_id, api_base=entry.api_base, api_key=entry.api_key, field="hooks")
            route.check()
            self.hook_routes[key] = route
        return route, self._route_model(route)

    def secrets(self) -> list[str]:
        """Every key the client's routes may send (masked in errors)."""
        return [secret for route in (*self.routes, *self.hook_routes.values()) for secret in route.secrets()]

    def __repr__(self) -> str:
        return f"ModelClient({str(self.model_id)!r}, api_base={self.api_base!r})"

    @property
    def model_id(self) -> ModelId:
        """The primary model's id."""
        return self.primary.model_id

    @property
    def api_base(self) -> str | None:
        """The primary model's endpoint."""
        return self.primary.api_base

    @property
    def provider(self) -> str:
        """The primary model's any-llm provider name (``openai``, ``anthropic``, ``ollama``...)."""
        return self.model_id.provider

    @property
    def model(self) -> str:
        """The primary model's own name at its provider."""
        return self.model_id.model

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[Mapping[str, Any]] | None = None,
        response_format: type[BaseModel] | Mapping[str, Any] | None = None,
        run: RunContext | None = None,
        **params: Any,
    ) -> ModelResponse:
        """One model call, traced as a ``chat`` span, retried per the policy.

        ``tools`` are OpenAI-format tool definitions (`ToolSpec.definition` gives them).
        ``params`` are completion parameters from the framework; `AgentConfig.model_args` win over
        them, since the user set those on purpose. In a streamed run the call is streamed and its
        text forwarded to the run's stream; the framework still gets the whole answer.
        """
        request = self._request(messages, tools, response_format, run, params)
        sink = request.run.events if request.run is not None else None
        try:
            if sink is not None:
                return await relay_model_stream(self._model.stream(request), sink, text=response_format is None)
            return await self._model.request(request)
        except ModelCallError as error:
            # The provider may echo the key; a run's error is masked again in `Agent.run_async`.
            redact_chain(error, self.secrets())
            raise

    def stream(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[Mapping[str, Any]] | None = None,
        response_format: type[BaseModel] | Mapping[str, Any] | None = None,
        run: RunContext | None = None,
        **params: Any,
    ) -> AsyncGenerator[StreamChunk]:
        """`complete`, streamed: `TextDelta` and `ToolCallDelta` chunks as they arrive, then the `FinalResponse`.

        The same ``chat`` span as `complete` (plus the time to the first chunk). Retries and
        fallback apply until the first chunk; a failure after it raises `ModelStreamError`. With
        constrained decoding nothing comes until the JSON answer is read. Closing the iterator
        (``aclose()``) closes the provider's connection.
        """
        return self._model.stream(self._request(messages, tools, response_format, run, params))

    def _request(
        self,
        messages: Sequence[Message],
        tools: Sequence[Mapping[str, Any]] | None,
        response_format: type[BaseModel] | Mapping[str, Any] | None,
        run: RunContext | None,
        params: Mapping[str, Any],
    ) -> ModelRequest:
        merged = {key: value for key, value in {**params, **self.model_args}.items() if value is not None}
        run = run or current_run()
        if run is not None:  # the model sees its own earlier turns, whatever the framework made of them
            messages = run.calls.restore(messages)
        if tools:  # the catch-all is bridged to frameworks, never offered to the model
            tools = [tool for tool in tools if tool.get("function", {}).get("name") != CATCH_ALL] or None
        return ModelRequest(messages, tools, response_format, merged, run)

    async def aclose(self) -> None:
        """Close the provider clients of every route; the next call opens new ones."""
        for route in (*self.routes, *self.hook_routes.values()):
            await route.aclose()

    def complete_sync(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[Mapping[str, Any]] | None = None,
        response_format: type[BaseModel] | Mapping[str, Any] | None = None,
        run: RunContext | None = None,
        **params: Any,
    ) -> ModelResponse:
        """`complete` for synchronous framework code."""
        return run_sync(
            self.complete(messages, tools=tools, response_format=response_format, run=run or current_run(), **params)
        )
