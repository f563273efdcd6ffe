"""`ProviderModel`: one route's model call through any-llm, read into a `ModelResponse`.

The only layer that talks to a provider. Failures of the call itself (HTTP errors, timeouts,
dropped connections) are raised as the provider raised them, for the retry layer to judge; a
failure to *read* an answer the provider did send is a `ModelResponseError`, since asking again
would only hide it.

This is where a provider's answer becomes ours: an unstreamed call to an OpenAI-compatible endpoint
takes the direct path of `any_agent.model.direct` (the same request, without any-llm's and the
openai SDK's conversions), under the same layers as every other call.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncGenerator, Collection, Mapping
from typing import Any

from pydantic import BaseModel

from any_agent.errors import ModelResponseError
from any_agent.model.base import Model, ModelRequest
from any_agent.model.direct import direct_completion
from any_agent.model.route import ModelRoute
from any_agent.model.types import FinalResponse, ModelResponse, StreamChunk, TextDelta, ToolCall, ToolCallDelta, Usage
from any_agent.output import OutputError, coerce_output

__all__ = ["ProviderModel", "parse_answer", "with_parsed"]


class ProviderModel(Model):
    """Calls one `ModelRoute` with any-llm, once per request: no retries, no fallback."""

    def __init__(self, route: ModelRoute, *, timeout: float, pinned: Collection[str] = ()) -> None:
        """``pinned``: the parameters the user set in ``model_args``, which the route's defaults never override."""
        self._route = route
        self.timeout = timeout
        self._pinned = frozenset(pinned)

    def __repr__(self) -> str:
        return f"ProviderModel({self._route!r})"

    def route(self, request: ModelRequest) -> ModelRoute:
        """The route this model calls."""
        return self._route

    async def request(self, request: ModelRequest) -> ModelResponse:
        """One completion call, read into a `ModelResponse`."""
        completion = await self._call(request, request.params, direct=True)
        try:
            return self.read(completion, request.output_type)
        except Exception as error:
            raise self._unreadable(error) from error

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """One streamed completion call: its deltas as they arrive, then the assembled answer."""
        # The usage comes in a last chunk when asked for; providers that do not take the option drop it.
        params = {**request.params, "stream": True, "stream_options": {"include_usage": True}}
        chunks = await self._call(request, params)
        answer = _Assembly()
        try:
            async for chunk in chunks:
                try:
                    deltas = answer.add(chunk)
                except Exception as error:
                    raise self._unreadable(error) from error
                for delta in deltas:
                    yield delta
        finally:
            close = getattr(chunks, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):  # closing is best effort; the call's outcome stands
                    await close()
        try:
            response = answer.response(request.output_type)
        except Exception as error:
            raise self._unreadable(error) from error
        yield FinalResponse(response)

    async def _call(self, request: ModelRequest, params: Mapping[str, Any], *, direct: bool = False) -> Any:
        """The any-llm call (starting a ``local:`` route's server first, if it is not running).

        ``direct``: an unstreamed call to an OpenAI-compatible endpoint takes the direct path where it
        sends the same request (`any_agent.model.direct`).
        """
        route = self._route
        started = await route.start()
        if started is not None:
            request.listener.server_started(route, started)
        defaults = {key: value for key, value in route.request_defaults.items() if key not in self._pinned}
        if defaults:  # the route's bounds win over a framework's defaults; the user's model_args over both
            params = {**params, **defaults}
            request.listener.route_defaults(route, defaults)
        provider = await route.provider_for_this_loop()
        messages: list[Any] = list(request.messages)  # typed messages are the plain dicts any-llm reads
        tools = [dict(tool) for tool in request.tools] if request.tools else None
        response_format = request.wire_response_format() if request.response_format is not None else None
        wire = route.wire_params(dict(params))
        if direct:
            model = route.model_id.model
            completion = await direct_completion(provider, model, messages, tools, response_format, self.timeout, wire)
            if completion is not None:
                return completion
        return await provider.acompletion(
            route.model_id.model,
            messages,
            tools=tools,
            response_format=response_format,
            timeout=self.timeout,
            **wire,
        )

    def read(self, completion: Any, output_type: type[BaseModel] | None) -> ModelResponse:
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
            parsed=parse_answer(message.content, output_type) if output_type is not None and not calls else None,
        )

    def _unreadable(self, error: Exception) -> ModelResponseError:
        route = self._route
        where = f" at {route.api_base}" if route.api_base else ""
        return ModelResponseError(
            route.redact(f"the answer of {route.model_id}{where} could not be read ({type(error).__name__}: {error})")
        )


class _Assembly:
    """A streamed answer put back together from OpenAI-shaped chunks."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.calls: dict[int, list[Any]] = {}  # index -> [id, name, argument pieces]
        self.finish_reason: str | None = None
        self.usage = Usage()
        self.model: str | None = None
        self.response_id: str | None = None

    def add(self, chunk: Any) -> list[StreamChunk]:
        """Take one chunk in; return the deltas it carries."""
        self.model = self.model or chunk.model
        self.response_id = self.response_id or chunk.id
        if chunk.usage is not None:
            self.usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
        deltas: list[StreamChunk] = []
        for choice in chunk.choices[:1]:
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
            delta = choice.delta
            if delta.content:
                self.text.append(delta.content)
                deltas.append(TextDelta(delta.content))
            for call in delta.tool_calls or []:
                function = call.function
                name = function.name if function is not None else None
                arguments = (function.arguments if function is not None else None) or ""
                entry = self.calls.setdefault(call.index, [None, None, []])
                entry[0] = entry[0] or call.id
                entry[1] = entry[1] or name
                entry[2].append(arguments)
                if call.id or name or arguments:
                    deltas.append(ToolCallDelta(call.index, call.id, name, arguments))
        return deltas

    def response(self, output_type: type[BaseModel] | None) -> ModelResponse:
        """The whole answer, as the same call made without streaming would have returned it."""
        calls = tuple(
            ToolCall(id=call_id or f"call_{index}", name=name, arguments="".join(pieces) or "{}")
            for index, (call_id, name, pieces) in sorted(self.calls.items())
            if name
        )
        content = "".join(self.text) if self.text or not calls else None
        return ModelResponse(
            content=content,
            tool_calls=calls,
            finish_reason=self.finish_reason,
            usage=self.usage,
            model=self.model,
            response_id=self.response_id,
            parsed=parse_answer(content, output_type) if output_type is not None and not calls else None,
        )


def with_parsed(response: ModelResponse, output_type: type[BaseModel]) -> ModelResponse:
    """``response`` with its text parsed into ``output_type``."""
    return dataclasses.replace(response, parsed=parse_answer(response.content, output_type))


def parse_answer(content: str | None, output_type: type[BaseModel]) -> Any:
    """The structured answer, or None when the text does not fit (the run's output check reports it)."""
    if not content:
        return None
    try:
        return coerce_output(content, output_type)
    except OutputError:
        return None
