"""The model boundary: every model call of every framework goes through `ModelClient.complete`.

It owns the provider connection (any-llm), the retries, the ``max_turns`` count and the ``chat``
span. Because the adapters' model bridges all call it, a run's model calls look the same in its
trace whichever framework drove them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from opentelemetry import trace
from pydantic import BaseModel, SecretStr

from any_agent._portal import run_sync
from any_agent.context import RunContext, current_run
from any_agent.errors import ModelCallError
from any_agent.model.constrained import constrain_request, read_constrained_answer, repeats_an_answered_call
from any_agent.model.cost import call_cost
from any_agent.model.ids import ModelId
from any_agent.model.retry import RetryPolicy, classify
from any_agent.model.route import ModelRoute
from any_agent.model.types import Message, ModelResponse, ToolCall, Usage
from any_agent.output import OutputError, coerce_output
from any_agent.redaction import redact_chain
from any_agent.tracing import attributes as attr
from any_agent.tracing.collector import get_tracer
from any_agent.tracing.content import capture_content
from any_agent.tracing.messages import input_messages, output_messages, system_instructions

__all__ = ["FallbackPolicy", "ModelClient", "TurnLimitReached", "json_schema_format"]

FallbackPolicy = Literal["stay", "primary_first"]
"""After a fallback served a call: keep using it for the rest of the run, or try the primary first
on every call."""

_REQUEST_PARAMETERS = {
    "temperature": "gen_ai.request.temperature",
    "top_p": "gen_ai.request.top_p",
    "max_tokens": "gen_ai.request.max_tokens",
    "seed": "gen_ai.request.seed",
}


class TurnLimitReached(Exception):
    """Raised into the framework when it asks for a model turn past ``max_turns``.

    The run itself then ends with `MaxTurnsExceeded`, whatever the framework does with this.
    """


class ModelClient:
    """One model (provider, id, endpoint, credentials) with retries and tracing."""

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
    ) -> None:
        self.primary = ModelRoute(model_id, api_base=api_base, api_key=api_key, constrained=constrained)
        self.routes: list[ModelRoute] = [self.primary, *fallbacks]
        self.fallback_policy: FallbackPolicy = fallback_policy
        self.model_args = dict(model_args or {})
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        for route in self.routes:
            route.check()

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
        them, since the user set those on purpose.
        """
        run = run or current_run()
        if run is not None:
            if run.failure is not None:
                raise run.failure
            if not run.begin_model_call():
                raise TurnLimitReached(f"max_turns={run.config.max_turns} reached")
        request = {key: value for key, value in {**params, **self.model_args}.items() if value is not None}
        first = run.model_route if run is not None and self.fallback_policy == "stay" else 0
        parent = run.span_context if run is not None else None
        content = capture_content()
        with get_tracer().start_as_current_span(
            f"{attr.OP_CHAT} {self.routes[first].model_id.model}",
            context=parent,
            kind=trace.SpanKind.CLIENT,
            attributes=_request_attributes(self.routes[first], messages, request, response_format, content),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                route, response = await self._call_routes(span, first, messages, tools, response_format, request)
            except ModelCallError as error:
                redact_chain(error, [secret for route in self.routes for secret in route.secrets()])
                span.set_status(trace.StatusCode.ERROR, str(error))
                span.set_attribute(attr.ERROR_TYPE, str(error.status_code or "model_call_failed"))
                if run is not None:
                    run.fail(error)
                raise
            if run is not None:
                run.model_route = self.routes.index(route)
            span.set_attributes(_response_attributes(route, response, content))
            return response

    async def _call_routes(
        self,
        span: trace.Span,
        first: int,
        messages: Sequence[Message],
        tools: Sequence[Mapping[str, Any]] | None,
        response_format: type[BaseModel] | Mapping[str, Any] | None,
        request: dict[str, Any],
    ) -> tuple[ModelRoute, ModelResponse]:
        """Try the routes in order from ``first``; fall back only on failures another model can fix."""
        for index in range(first, len(self.routes)):
            route = self.routes[index]
            try:
                return route, await self._call_with_retries(span, route, messages, tools, response_format, request)
            except ModelCallError as error:
                if not error.fallback_ok or index + 1 == len(self.routes):
                    raise
                following = self.routes[index + 1]
                span.add_event(
                    attr.FALLBACK_EVENT,
                    {"from": str(route.model_id), "to": str(following.model_id), "reason": str(error)},
                )
                self._set_route_attributes(span, following)
        raise AssertionError("unreachable: the last route re-raises")

    async def aclose(self) -> None:
        """Close the provider clients of every route; the next call opens new ones."""
        for route in self.routes:
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

    async def _call_with_retries(
        self,
        span: trace.Span,
        route: ModelRoute,
        messages: Sequence[Message],
        tools: Sequence[Mapping[str, Any]] | None,
        response_format: type[BaseModel] | Mapping[str, Any] | None,
        request: dict[str, Any],
    ) -> ModelResponse:
        await route.start()
        provider = await route.provider_for_this_loop()
        output_type: type[BaseModel] | None = None
        wire_format: dict[str, Any] | None = None
        if isinstance(response_format, type):
            output_type = response_format
            wire_format = json_schema_format(response_format)
        elif response_format is not None:
            wire_format = dict(response_format)
        wire_messages: Sequence[Message] = messages
        wire_tools = [dict(tool) for tool in tools] if tools else None
        output_schema = wire_format["json_schema"]["schema"] if wire_format and "json_schema" in wire_format else None
        tools_offered = bool(wire_tools)
        if route.constrained and (wire_tools or wire_format):
            wire_messages, wire_format = constrain_request(messages, wire_tools, output_schema, route.schema_style)
            wire_tools = None
        spent = Usage()  # tokens of a constrained request asked again, counted with the final one
        attempt = 0
        while True:
            attempt += 1
            try:
                completion = await provider.acompletion(
                    route.model_id.model,
                    list(wire_messages),
                    tools=wire_tools,
                    response_format=wire_format,
                    timeout=self.timeout,
                    **request,
                )
                response = _to_response(completion, None if route.constrained else output_type)
                if route.constrained:
                    response = read_constrained_answer(response, structured=output_type is not None)
                    response = _plus_usage(response, spent)
                    if tools_offered and repeats_an_answered_call(messages, response):
                        # Ask once more, with only the answer allowed (see `repeats_an_answered_call`).
                        wire_messages, wire_format = constrain_request(
                            messages, None, output_schema, route.schema_style
                        )
                        tools_offered = False
                        spent = response.usage
                        continue
                    if output_type is not None and not response.tool_calls:
                        response = _with_parsed(response, output_type)
                return response
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as error:
                decision = classify(error)
                delay = self.retry.delay(attempt, decision)
                if delay is None:
                    raise ModelCallError(
                        _describe_failure(route, error, decision.reason, attempt),
                        status_code=decision.status_code,
                        retryable=decision.retryable,
                        fallback_ok=bool(decision.fallback_ok),
                    ) from error
                span.add_event(
                    attr.RETRY_EVENT, {"attempt": attempt, "reason": decision.reason, "delay_seconds": delay}
                )
                await asyncio.sleep(delay)

    @staticmethod
    def _set_route_attributes(span: trace.Span, route: ModelRoute) -> None:
        """Rename the span and set its route attributes anew for the route a fallback switched to."""
        span.update_name(f"{attr.OP_CHAT} {route.model_id.model}")
        span.set_attributes(_route_attributes(route))


def _route_attributes(route: ModelRoute) -> dict[str, Any]:
    return {
        attr.PROVIDER_NAME: route.model_id.provider,
        attr.REQUEST_MODEL: route.model_id.model,
        attr.MODEL_ID: str(route.model_id),
    }


def _request_attributes(
    route: ModelRoute,
    messages: Sequence[Message],
    request: Mapping[str, Any],
    response_format: type[BaseModel] | Mapping[str, Any] | None,
    content: bool,
) -> dict[str, Any]:
    """The ``chat`` span's attributes known before the call, given when the span starts.

    One mapping at start instead of a `set_attribute` each: every SDK `set_attribute` takes the
    span's lock and re-checks it, and the ``chat`` span is the core's most frequent. Same keys,
    values and order as attributes set one by one.
    """
    attributes: dict[str, Any] = {attr.OPERATION_NAME: attr.OP_CHAT, **_route_attributes(route)}
    for name, attribute in _REQUEST_PARAMETERS.items():
        if isinstance(request.get(name), int | float):
            attributes[attribute] = request[name]
    if response_format is not None:
        attributes[attr.OUTPUT_TYPE] = "json"
    if content:
        instructions = system_instructions(messages)
        if instructions:
            attributes[attr.SYSTEM_INSTRUCTIONS] = json.dumps(instructions)
        attributes[attr.INPUT_MESSAGES] = json.dumps(input_messages(messages), default=str)
    return attributes


def _response_attributes(route: ModelRoute, response: ModelResponse, content: bool) -> dict[str, Any]:
    """The ``chat`` span's attributes from the answer, set together (one lock, as at start)."""
    attributes: dict[str, Any] = {}
    if response.model:
        attributes[attr.RESPONSE_MODEL] = response.model
    if response.response_id:
        attributes[attr.RESPONSE_ID] = response.response_id
    attributes[attr.RESPONSE_FINISH_REASONS] = [response.finish_reason or "stop"]
    attributes[attr.INPUT_TOKENS] = response.usage.input_tokens
    attributes[attr.OUTPUT_TOKENS] = response.usage.output_tokens
    cost = call_cost(route.model_id, response.usage, response_model=response.model)
    if cost is not None:
        attributes[attr.COST] = cost
    if content:
        attributes[attr.OUTPUT_MESSAGES] = json.dumps(output_messages(response), default=str)
    return attributes


def _describe_failure(route: ModelRoute, error: BaseException, reason: str, attempts: int) -> str:
    where = f" at {route.api_base}" if route.api_base else ""
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    return route.redact(f"model call to {route.model_id}{where} failed{tried} ({reason}): {error}")


def json_schema_format(output_type: type[BaseModel]) -> dict[str, Any]:
    """A pydantic model as a ``json_schema`` response format.

    Sent as a schema rather than as the class: any-llm would otherwise use the provider's strict
    "parse" mode, which refuses non-strict tools in the same request, and frameworks send both.
    """
    return {
        "type": "json_schema",
        "json_schema": {"name": output_type.__name__, "schema": output_type.model_json_schema(), "strict": False},
    }


def _to_response(completion: Any, output_type: type[BaseModel] | None = None) -> ModelResponse:
    """any-llm's ChatCompletion (OpenAI's shape) as a `ModelResponse`."""
    choice = completion.choices[0]
    message = choice.message
    calls = tuple(
        ToolCall(
            id=call.id or f"call_{index}",
            name=call.function.name,
            arguments=call.function.arguments or "{}",
        )
        for index, call in enumerate(message.tool_calls or [])
        if getattr(call, "function", None) is not None
    )
    usage = completion.usage
    return ModelResponse(
        content=message.content,
        tool_calls=calls,
        finish_reason=choice.finish_reason,
        usage=Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0) if usage else Usage(),
        model=completion.model,
        response_id=completion.id,
        parsed=_parse(message.content, output_type) if output_type is not None and not calls else None,
    )


def _plus_usage(response: ModelResponse, usage: Usage) -> ModelResponse:
    if not usage.total_tokens:
        return response
    return dataclasses.replace(response, usage=response.usage + usage)


def _with_parsed(response: ModelResponse, output_type: type[BaseModel]) -> ModelResponse:
    return dataclasses.replace(response, parsed=_parse(response.content, output_type))


def _parse(content: str | None, output_type: type[BaseModel]) -> Any:
    """The structured answer, or None when the text does not fit (the run's output check reports it)."""
    if not content:
        return None
    try:
        return coerce_output(content, output_type)
    except OutputError:
        return None
