"""`InstrumentedModel`: the ``chat`` span of a model call, with its cost.

One span per call, whatever happened below it: retries and fallbacks are events on it (reported
through the request's `CallListener`), and after a fallback it is renamed after the route that
served. Attributes are given in two mappings (at start, and from the answer): every SDK
``set_attribute`` takes the span's lock, and the ``chat`` span is the core's most frequent.
A streamed call gets the same span, plus the time to its first chunk.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from pydantic import BaseModel

from any_agent.errors import ModelCallError, ModelResponseError, ModelStreamError
from any_agent.model.base import CallListener, ModelRequest, WrapperModel
from any_agent.model.cost import call_cost
from any_agent.model.route import ModelRoute
from any_agent.model.types import FinalResponse, Message, ModelResponse, StreamChunk
from any_agent.tracing import attributes as attr
from any_agent.tracing.collector import get_tracer
from any_agent.tracing.content import capture_content
from any_agent.tracing.messages import input_messages, input_messages_json, output_messages, system_instructions

__all__ = ["InstrumentedModel"]

_REQUEST_PARAMETERS = {
    "temperature": "gen_ai.request.temperature",
    "top_p": "gen_ai.request.top_p",
    "max_tokens": "gen_ai.request.max_tokens",
    "seed": "gen_ai.request.seed",
}


class InstrumentedModel(WrapperModel):
    """Traces each call of the wrapped model as a ``chat`` span under the run's span."""

    async def request(self, request: ModelRequest) -> ModelResponse:
        """The wrapped model's answer, inside its ``chat`` span."""
        route = self.inner.route(request)
        content = capture_content(request.run)
        parent = request.run.span_context if request.run is not None else None
        with get_tracer().start_as_current_span(
            f"{attr.OP_CHAT} {route.model_id.model}",
            context=parent,
            kind=trace.SpanKind.CLIENT,
            attributes=_request_attributes(
                route, request.messages, request.params, request.response_format, content, _known(request)
            ),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            listener = _SpanListener(span, route, request.listener)
            try:
                response = await self.inner.request(request.heard_by(listener))
            except ModelCallError as error:
                _record_failure(span, error)
                raise
            span.set_attributes(_response_attributes(listener.route, response, content))
            return response

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """The wrapped model's stream, inside its ``chat`` span (current only while the layers below run)."""
        route = self.inner.route(request)
        content = capture_content(request.run)
        parent = request.run.span_context if request.run is not None else None
        span = get_tracer().start_span(
            f"{attr.OP_CHAT} {route.model_id.model}",
            context=parent,
            kind=trace.SpanKind.CLIENT,
            attributes=_request_attributes(route, request.messages, request.params, request.response_format, content),
        )
        # The span is made current around each step of the layers below only: between chunks the
        # consumer runs, and its own spans must not become children of this one.
        inside = trace.set_span_in_context(span, parent)
        listener = _SpanListener(span, route, request.listener)
        started = time.monotonic()
        first_chunk: float | None = None
        ended = False
        try:
            async with aclosing(self.inner.stream(request.heard_by(listener))) as chunks:
                while True:
                    token = otel_context.attach(inside)
                    try:
                        chunk = await anext(chunks, None)
                    finally:
                        otel_context.detach(token)
                    if chunk is None:
                        return
                    if first_chunk is None:
                        first_chunk = time.monotonic() - started
                    if isinstance(chunk, FinalResponse):
                        attributes = _response_attributes(listener.route, chunk.response, content)
                        attributes[attr.TIME_TO_FIRST_TOKEN] = first_chunk
                        span.set_attributes(attributes)
                        span.end()
                        ended = True
                    yield chunk
        except ModelCallError as error:
            if first_chunk is not None:
                span.set_attribute(attr.TIME_TO_FIRST_TOKEN, first_chunk)
            _record_failure(span, error)
            raise
        finally:
            if not ended:
                span.end()


class _SpanListener(CallListener):
    """Writes retries and fallbacks onto the span, remembers the serving route, and passes them on."""

    def __init__(self, span: trace.Span, route: ModelRoute, forward: CallListener) -> None:
        self.span = span
        self.route = route
        self.forward = forward

    def retrying(self, route: ModelRoute, attempt: int, reason: str, delay: float) -> None:
        self.span.add_event(attr.RETRY_EVENT, {"attempt": attempt, "reason": reason, "delay_seconds": delay})
        self.forward.retrying(route, attempt, reason, delay)

    def falling_back(self, failed: ModelRoute, following: ModelRoute, index: int, reason: str) -> None:
        self.span.add_event(
            attr.FALLBACK_EVENT, {"from": str(failed.model_id), "to": str(following.model_id), "reason": reason}
        )
        self.span.update_name(f"{attr.OP_CHAT} {following.model_id.model}")
        self.span.set_attributes(_route_attributes(following))
        self.route = following
        self.forward.falling_back(failed, following, index, reason)

    def server_started(self, route: ModelRoute, seconds: float) -> None:
        self.span.add_event(
            attr.LOCAL_SERVER_START_EVENT, {"model": str(route.model_id), "duration_seconds": round(seconds, 3)}
        )
        self.forward.server_started(route, seconds)

    def route_defaults(self, route: ModelRoute, params: Mapping[str, Any]) -> None:
        self.span.set_attributes(
            {_REQUEST_PARAMETERS[key]: params[key] for key in params if key in _REQUEST_PARAMETERS}
        )
        self.forward.route_defaults(route, params)

    def request_edited(
        self, hook: str, changes: Sequence[str], request: ModelRequest, messages_before: Sequence[Message]
    ) -> None:
        content = capture_content()
        event: dict[str, Any] = {"hook": hook, "changes": list(changes)}
        if content and "messages" in changes:
            event["messages_before"] = json.dumps(input_messages(messages_before), default=str)
        self.span.add_event(attr.HOOK_EVENT, event)
        self.span.set_attributes(
            _request_attributes(self.route, request.messages, request.params, request.response_format, content)
        )
        self.forward.request_edited(hook, changes, request, messages_before)

    def response_replaced(self, hook: str, original: ModelResponse, response: ModelResponse) -> None:
        event: dict[str, Any] = {"hook": hook, "changes": ["response"]}
        if capture_content():
            event["response_before"] = json.dumps(output_messages(original), default=str)
        self.span.add_event(attr.HOOK_EVENT, event)
        self.forward.response_replaced(hook, original, response)

    def rerouted(self, hook: str, original: ModelRoute, route: ModelRoute, reason: str) -> None:
        moved = {"hook": hook, "from": str(original.model_id), "to": str(route.model_id), "reason": reason}
        self.span.add_event(attr.REROUTE_EVENT, moved)
        self.span.update_name(f"{attr.OP_CHAT} {route.model_id.model}")
        self.span.set_attributes(_route_attributes(route))
        self.route = route
        self.forward.rerouted(hook, original, route, reason)

    def hook_stopped(self, hook: str, error_type: str, reason: str) -> None:
        self.span.add_event(attr.ABORT_EVENT, {"hook": hook, "reason": reason})
        self.span.set_status(trace.StatusCode.ERROR, reason)
        self.span.set_attribute(attr.ERROR_TYPE, error_type)
        self.forward.hook_stopped(hook, error_type, reason)


def _record_failure(span: trace.Span, error: ModelCallError) -> None:
    span.set_status(trace.StatusCode.ERROR, str(error))
    if isinstance(error, ModelResponseError):
        kind = "model_response_unreadable"
    elif isinstance(error, ModelStreamError):
        kind = "model_stream_broken"
    else:
        kind = str(error.status_code or "model_call_failed")
    span.set_attribute(attr.ERROR_TYPE, kind)


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
    known: dict[int, tuple[Message, str | None]] | None = None,
) -> dict[str, Any]:
    """The ``chat`` span's attributes known before the call, given when the span starts."""
    attributes: dict[str, Any] = {attr.OPERATION_NAME: attr.OP_CHAT, **_route_attributes(route)}
    for name, attribute in _REQUEST_PARAMETERS.items():
        if isinstance(request.get(name), int | float):
            attributes[attribute] = request[name]
    if response_format is not None:
        attributes[attr.OUTPUT_TYPE] = "json"
    if content:
        instructions = _instructions_json(messages, known)
        if instructions:
            attributes[attr.SYSTEM_INSTRUCTIONS] = instructions
        attributes[attr.INPUT_MESSAGES] = input_messages_json(messages, known)
    return attributes


def _instructions_json(messages: Sequence[Message], known: dict[int, tuple[Message, str | None]] | None) -> str | None:
    """The ``gen_ai.system_instructions`` JSON; once per run for a history the core keeps (key 0 of ``known``).

    Such a history only ever grows by the model's turns and tool results, so its system messages,
    and their JSON, stay those of its first call. The cache is used only for that history (its
    first message, by identity): another call made during the run, such as a tool's own model
    call, has its own instructions.
    """
    cached = known.get(0) if known is not None else None
    if cached is not None and messages and cached[0] is messages[0]:
        return cached[1]
    instructions = system_instructions(messages)
    text = json.dumps(instructions) if instructions else None
    if known is not None and cached is None and messages:
        known[0] = (messages[0], text)
    return text


def _known(request: ModelRequest) -> dict[int, tuple[Message, str | None]] | None:
    """The run's JSON of messages already sent, for a history the core keeps (and no hook may edit)."""
    run = request.run
    return run.calls.span_json if run is not None and run.hooks is None else None


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
