"""`ConstrainedModel`: tool calls and structured answers by constrained decoding, as a layer.

It rewrites the request into the JSON protocol of `any_agent.model.constrained`, asks the model
below (whole answers only: the JSON is read once complete), and reads the answer back into ordinary
tool calls or text. When a small model asks again for a call it already has the result of, it is
asked once more with only the answer allowed: a new request with its own retries, since the layer
sits above the retry layer, and its tokens are added to the answer's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from typing import Any

from any_agent.model.base import Model, ModelRequest, WrapperModel
from any_agent.model.constrained import (
    SchemaStyle,
    constrain_request,
    read_constrained_answer,
    repeats_an_answered_call,
)
from any_agent.model.provider import with_parsed
from any_agent.model.types import ModelResponse, StreamChunk, replay

__all__ = ["ConstrainedModel"]


class ConstrainedModel(WrapperModel):
    """Makes a route that cannot call tools reliably answer with tool calls or a fitting answer."""

    def __init__(self, inner: Model, style: SchemaStyle) -> None:
        super().__init__(inner)
        self.style = style

    async def request(self, request: ModelRequest) -> ModelResponse:
        """The answer, read back from the constrained JSON the model wrote."""
        if not request.tools and request.response_format is None:
            return await self.inner.request(request)
        output_type = request.output_type
        wire_format = request.wire_response_format()
        schema = wire_format["json_schema"]["schema"] if wire_format and "json_schema" in wire_format else None
        response = await self._ask(request, request.tools, schema)
        if request.tools and repeats_an_answered_call(request.messages, response):
            spent = response.usage
            response = await self._ask(request, None, schema)
            response = dataclasses.replace(response, usage=response.usage + spent)
        if output_type is not None and not response.tool_calls:
            response = with_parsed(response, output_type)
        return response

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """Nothing until the JSON answer is read, then the read answer as chunks."""
        if not request.tools and request.response_format is None:
            async with aclosing(self.inner.stream(request)) as chunks:
                async for chunk in chunks:
                    yield chunk
            return
        for chunk in replay(await self.request(request)):
            yield chunk

    async def _ask(
        self,
        request: ModelRequest,
        tools: Sequence[Mapping[str, Any]] | None,
        schema: Mapping[str, Any] | None,
    ) -> ModelResponse:
        messages, response_format = constrain_request(request.messages, tools, schema, self.style)
        response = await self.inner.request(
            request.replace(messages=messages, tools=None, response_format=response_format)
        )
        return read_constrained_answer(response, structured=request.output_type is not None)
