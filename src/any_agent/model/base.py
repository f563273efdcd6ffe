"""The model interface every layer of the model client implements, and what a call carries.

A `Model` answers a `ModelRequest`, whole (`Model.request`) or as a stream of chunks
(`Model.stream`). The provider model talks to the provider; every other concern (retries,
constrained decoding, fallback, the ``chat`` span, run accounting) is a `WrapperModel` around
another model, so each is small, testable alone, and composed in one place (`ModelClient`).
Like pydantic-ai's wrapper models: behaviour is added by wrapping, never by subclassing.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from any_agent.model.types import Message, ModelResponse, StreamChunk

if TYPE_CHECKING:
    from any_agent.context import RunContext
    from any_agent.model.route import ModelRoute

__all__ = ["CallListener", "Model", "ModelRequest", "WrapperModel", "json_schema_format"]


class CallListener:
    """Hears what happens inside one model call; the ``chat`` span and the run listen.

    The layers below the span report through the request's listener instead of touching the span,
    so each stays testable alone. Every method does nothing here; a listener that wraps another
    forwards to it.
    """

    def retrying(self, route: ModelRoute, attempt: int, reason: str, delay: float) -> None:
        """Attempt number ``attempt`` on ``route`` failed for ``reason``; the next comes in ``delay`` s."""

    def falling_back(self, failed: ModelRoute, following: ModelRoute, index: int, reason: str) -> None:
        """``failed`` could not serve the call; route number ``index`` (``following``) tries next."""

    def server_started(self, route: ModelRoute, seconds: float) -> None:
        """``route``'s local model server had to be started for this call; that took ``seconds``."""

    def route_defaults(self, route: ModelRoute, params: Mapping[str, Any]) -> None:
        """``route`` added completion parameters of its own (a ``local:`` model's output bound)."""

    def request_edited(
        self, hook: str, changes: Sequence[str], request: ModelRequest, messages_before: Sequence[Message]
    ) -> None:
        """Hook ``hook`` changed the call's ``changes`` (``messages``, ``model_args``); ``request`` is sent."""

    def response_replaced(self, hook: str, original: ModelResponse, response: ModelResponse) -> None:
        """Hook ``hook`` replaced the model's answer ``original`` with ``response``."""

    def rerouted(self, hook: str, original: ModelRoute, route: ModelRoute, reason: str) -> None:
        """Hook ``hook`` sent the call to ``route`` instead of ``original``, for ``reason``."""

    def hook_stopped(self, hook: str, error_type: str, reason: str) -> None:
        """Hook ``hook`` ended the run during this call (``error_type``: ``run_aborted``, ``hook_failed``)."""


SILENT = CallListener()
"""The listener of a request nobody listens to."""


@dataclass(slots=True)
class ModelRequest:
    """One model call's input, as every layer sees it.

    Treated as immutable: a layer that changes the request passes a changed copy (`replace`) down.
    Not a frozen dataclass only because building one costs several times more, on every call.
    """

    messages: Sequence[Message]
    tools: Sequence[Mapping[str, Any]] | None = None
    """OpenAI-format tool definitions (`ToolSpec.definition` gives them)."""
    response_format: type[BaseModel] | Mapping[str, Any] | None = None
    """A pydantic model (the answer is parsed into ``parsed``) or an OpenAI ``response_format``."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Completion parameters (temperature, max_tokens...), `AgentConfig.model_args` already merged."""
    run: RunContext | None = None
    """The run the call belongs to, if any: its span is the ``chat`` span's parent."""
    first_route: int = 0
    """Which route a fallback chain starts from (the run's ``stay`` policy moves it)."""
    listener: CallListener = SILENT

    def replace(self, **changes: Any) -> ModelRequest:
        """A copy with ``changes`` (a layer rewrites the request for the layers below it).

        Written out rather than `dataclasses.replace`, which is about ten times slower.
        """
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"ModelRequest has no field {', '.join(sorted(unknown))}")
        get = changes.get
        return ModelRequest(
            get("messages", self.messages),
            get("tools", self.tools),
            get("response_format", self.response_format),
            get("params", self.params),
            get("run", self.run),
            get("first_route", self.first_route),
            get("listener", self.listener),
        )

    def heard_by(self, listener: CallListener, first_route: int | None = None) -> ModelRequest:
        """A copy for ``listener`` (and starting from ``first_route``): `replace` for the hot path."""
        return ModelRequest(
            self.messages,
            self.tools,
            self.response_format,
            self.params,
            self.run,
            self.first_route if first_route is None else first_route,
            listener,
        )

    @property
    def output_type(self) -> type[BaseModel] | None:
        """The pydantic model the answer is parsed into, if the caller gave one."""
        return self.response_format if isinstance(self.response_format, type) else None

    def wire_response_format(self) -> dict[str, Any] | None:
        """The ``response_format`` as sent to the provider: a pydantic model becomes its schema."""
        if self.response_format is None:
            return None
        if isinstance(self.response_format, type):
            return json_schema_format(self.response_format)
        return dict(self.response_format)


_FIELDS = frozenset(field.name for field in dataclasses.fields(ModelRequest))


class Model(ABC):
    """Something that answers model requests: a provider, or a layer around another model."""

    @abstractmethod
    async def request(self, request: ModelRequest) -> ModelResponse:
        """Answer ``request`` whole."""

    def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """Answer ``request`` as chunks: deltas as they arrive, then the `FinalResponse`.

        Closing the iterator early closes the call (and the provider's connection).
        """
        raise NotImplementedError(f"{type(self).__name__} does not stream")

    @abstractmethod
    def route(self, request: ModelRequest) -> ModelRoute:
        """The route this model tries first for ``request`` (what the ``chat`` span starts as)."""


class WrapperModel(Model):
    """A layer around another model; by default it changes nothing."""

    def __init__(self, inner: Model) -> None:
        self.inner = inner

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"

    async def request(self, request: ModelRequest) -> ModelResponse:
        """Ask the wrapped model."""
        return await self.inner.request(request)

    def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        """Stream from the wrapped model."""
        return self.inner.stream(request)

    def route(self, request: ModelRequest) -> ModelRoute:
        """The wrapped model's first route."""
        return self.inner.route(request)


def json_schema_format(output_type: type[BaseModel]) -> dict[str, Any]:
    """A pydantic model as a ``json_schema`` response format.

    Sent as a schema rather than as the class: any-llm would otherwise use the provider's strict
    "parse" mode, which refuses non-strict tools in the same request, and frameworks send both.
    """
    return {
        "type": "json_schema",
        "json_schema": {"name": output_type.__name__, "schema": output_type.model_json_schema(), "strict": False},
    }
