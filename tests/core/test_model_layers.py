"""Each layer of the model client alone: on the scripted server, or over `Double`, a model of our own interface."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan

from any_agent import AgentConfig, ModelCallError, ModelResponseError, ModelStreamError, RunContext
from any_agent.model.accounting import RunAccountingModel, TurnLimitReached
from any_agent.model.base import CallListener, Model, ModelRequest
from any_agent.model.client import ModelClient
from any_agent.model.constraining import ConstrainedModel
from any_agent.model.fallback import FallbackModel
from any_agent.model.instrumented import InstrumentedModel
from any_agent.model.provider import ProviderModel
from any_agent.model.retry import RetryPolicy
from any_agent.model.retrying import RetryingModel
from any_agent.model.route import ModelRoute
from any_agent.model.types import (
    FinalResponse,
    ModelResponse,
    StreamChunk,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    Usage,
    replay,
)
from any_agent.testing import ChatRequest, Fault, Reply, ScriptedLLM, echo, plan
from any_agent.tracing import attributes as attr
from any_agent.tracing.collector import add_span_listener

HELLO = [{"role": "user", "content": "hello there, this sentence is long enough to arrive in several pieces"}]
NO_WAIT = RetryPolicy(max_retries=2, initial_delay=0.0, max_delay=0.0)
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


class Double(Model):
    """Answers from a script of outcomes (a response, or an exception to raise); the last one repeats."""

    def __init__(self, model_id: str, *outcomes: ModelResponse | Exception, break_stream: Exception | None = None):
        self._route = ModelRoute(model_id)
        self.outcomes = list(outcomes)
        self.break_stream = break_stream
        """Raised by a stream after its first chunk."""
        self.requests: list[ModelRequest] = []
        self.streams = 0

    def route(self, request: ModelRequest) -> ModelRoute:
        return self._route

    async def request(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamChunk]:
        self.streams += 1
        for chunk in replay(await self.request(request)):
            yield chunk
            if self.break_stream is not None:
                raise self.break_stream


class Heard(CallListener):
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def retrying(self, route: ModelRoute, attempt: int, reason: str, delay: float) -> None:
        self.events.append(("retry", str(route.model_id), attempt, reason))

    def falling_back(self, failed: ModelRoute, following: ModelRoute, index: int, reason: str) -> None:
        self.events.append(("fallback", str(failed.model_id), str(following.model_id), index))


def answer(text: str, model: str = "double") -> ModelResponse:
    return ModelResponse(content=text, finish_reason="stop", usage=Usage(10, 5), model=model, response_id="r1")


def route_of(llm: ScriptedLLM) -> ModelRoute:
    return ModelRoute(llm.model_id, api_base=llm.base_url)


def collect(stream: AsyncGenerator[StreamChunk]) -> list[StreamChunk]:
    async def drain() -> list[StreamChunk]:
        return [chunk async for chunk in stream]

    return asyncio.run(drain())


def final(chunks: list[StreamChunk]) -> ModelResponse:
    assert isinstance(chunks[-1], FinalResponse)
    return chunks[-1].response


@pytest.fixture
def chat_spans() -> Iterator[list[ReadableSpan]]:
    spans: list[ReadableSpan] = []
    remove = add_span_listener(
        lambda span: spans.append(span) if (span.attributes or {}).get(attr.OPERATION_NAME) == attr.OP_CHAT else None
    )
    yield spans
    remove()


# -- provider: one any-llm call, read into a ModelResponse ----------------------------------------


def test_provider_answers_whole_and_streams_the_same_answer_in_pieces() -> None:
    with ScriptedLLM(echo()) as llm:
        model = ProviderModel(route_of(llm), timeout=30)
        whole = asyncio.run(model.request(ModelRequest(HELLO)))
        chunks = collect(model.stream(ModelRequest(HELLO)))
        assert all(request.stream for request in llm.requests[1:])
    texts = [chunk.text for chunk in chunks if isinstance(chunk, TextDelta)]
    assert len(texts) > 2  # the scripted server streams 16 characters at a time
    streamed = final(chunks)
    assert "".join(texts) == streamed.content == whole.content
    assert (streamed.usage, streamed.model, streamed.finish_reason) == (whole.usage, whole.model, whole.finish_reason)


def test_provider_streams_tool_calls_that_assemble_into_the_calls_of_a_whole_answer() -> None:
    term = {"term": "a term long enough to be split across several argument deltas"}
    with ScriptedLLM(plan([[("lookup", term), ("lookup", {"term": "b"})]])) as llm:
        model = ProviderModel(route_of(llm), timeout=30)
        whole = asyncio.run(model.request(ModelRequest(HELLO)))
        chunks = collect(model.stream(ModelRequest(HELLO)))
    streamed = final(chunks)
    assert [(call.name, json.loads(call.arguments)) for call in streamed.tool_calls] == [
        (call.name, json.loads(call.arguments)) for call in whole.tool_calls
    ]
    deltas = [chunk for chunk in chunks if isinstance(chunk, ToolCallDelta)]
    for index, call in enumerate(streamed.tool_calls):
        pieces = [delta for delta in deltas if delta.index == index]
        assert len(pieces) > 1 or index == 1
        assert (pieces[0].id, pieces[0].name) == (call.id, call.name)
        assert "".join(piece.arguments for piece in pieces) == call.arguments
    assert streamed.content is None and streamed.finish_reason == "tool_calls"


class BuggyReader(ProviderModel):
    """A provider model whose reading of the completion has a bug."""

    def read(self, completion: Any, output_type: Any) -> ModelResponse:
        return completion.choices[0].message.no_such_field  # type: ignore[no-any-return]


def test_an_answer_that_cannot_be_read_is_neither_retried_nor_fallen_back_from() -> None:
    with ScriptedLLM(echo()) as primary, ScriptedLLM(echo()) as backup:
        model = FallbackModel(
            [
                RetryingModel(BuggyReader(route_of(primary), timeout=30), NO_WAIT),
                RetryingModel(ProviderModel(route_of(backup), timeout=30), NO_WAIT),
            ]
        )
        with pytest.raises(ModelResponseError) as info:
            asyncio.run(model.request(ModelRequest(HELLO)))
        assert len(primary.requests) == 1
        assert backup.requests == []
    message = str(info.value)
    assert "could not be read" in message and "AttributeError" in message and "failed" not in message
    assert isinstance(info.value.__cause__, AttributeError)
    assert not info.value.retryable and not info.value.fallback_ok


# -- retries ---------------------------------------------------------------------------------------


def test_retries_until_the_provider_answers_and_reports_each_retry() -> None:
    heard = Heard()
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.server_error(503), times=2)
        model = RetryingModel(ProviderModel(route_of(llm), timeout=30), NO_WAIT)
        response = asyncio.run(model.request(ModelRequest(HELLO, listener=heard)))
        assert len(llm.requests) == 3
    assert response.content is not None and response.content.startswith("You said")
    assert heard.events == [
        ("retry", llm.model_id, 1, "server error (503)"),
        ("retry", llm.model_id, 2, "server error (503)"),
    ]


def test_a_bad_request_is_not_retried_and_says_what_failed() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.status(400, "context_length_exceeded"))
        model = RetryingModel(ProviderModel(route_of(llm), timeout=30), NO_WAIT)
        with pytest.raises(ModelCallError, match=r"model call to openai:scripted at .* failed \(HTTP 400\)") as info:
            asyncio.run(model.request(ModelRequest(HELLO)))
        assert len(llm.requests) == 1
    assert info.value.status_code == 400 and not info.value.retryable and not info.value.fallback_ok


def test_a_stream_is_retried_before_its_first_chunk() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.server_error(503))
        chunks = collect(RetryingModel(ProviderModel(route_of(llm), timeout=30), NO_WAIT).stream(ModelRequest(HELLO)))
        assert len(llm.requests) == 2
    assert final(chunks).content == "".join(chunk.text for chunk in chunks if isinstance(chunk, TextDelta))


def test_a_stream_that_fails_after_its_first_chunk_is_not_retried() -> None:
    double = Double("openai:double", answer("partial answer"), break_stream=ConnectionError("reset by peer"))
    received: list[StreamChunk] = []

    async def consume() -> None:
        async for chunk in RetryingModel(double, NO_WAIT).stream(ModelRequest(HELLO)):
            received.append(chunk)

    with pytest.raises(ModelStreamError, match="after the answer had started streaming") as info:
        asyncio.run(consume())
    assert double.streams == 1  # a connection error is retryable, but part of the answer was out
    assert received == [TextDelta("partial answer")]
    assert not info.value.fallback_ok


def test_a_stream_cut_by_the_server_mid_answer_is_a_stream_error() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.truncated_stream())
        with pytest.raises(ModelStreamError, match="openai:scripted"):
            collect(RetryingModel(ProviderModel(route_of(llm), timeout=30), NO_WAIT).stream(ModelRequest(HELLO)))
        assert len(llm.requests) == 1


# -- constrained decoding --------------------------------------------------------------------------

_CALL = ToolCall("c1", "get_weather", '{"city": "Oslo"}').to_openai()
ANSWERED = [
    {"role": "user", "content": "Weather in Oslo?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [ToolCall("c1", "get_weather", '{"city": "Oslo"}').to_openai()],
    },
    {"role": "tool", "tool_call_id": "c1", "content": "Oslo: sunny"},
]


def test_a_constrained_re_ask_has_retries_of_its_own() -> None:
    """The model repeats an answered call, so it is asked again; that request fails once, and is retried."""
    re_asks: list[int] = []

    def handler(request: ChatRequest) -> Reply | Fault:
        assert request.response_format is not None
        if "anyOf" in request.response_format["json_schema"]["schema"]:
            return Reply(content=json.dumps({"tool": "get_weather", "arguments": {"city": "Oslo"}}))
        re_asks.append(1)
        if len(re_asks) == 1:
            return Fault.server_error(503)
        return Reply(content=json.dumps({"answer": "It is sunny."}))

    with ScriptedLLM(handler) as llm:
        retrying = RetryingModel(ProviderModel(route_of(llm), timeout=30), RetryPolicy(max_retries=1, initial_delay=0))
        model = ConstrainedModel(retrying, "json_schema")
        response = asyncio.run(model.request(ModelRequest(ANSWERED, tools=[WEATHER_TOOL])))
        assert len(llm.requests) == 3  # the call, the re-ask, its retry
    assert response.content == "It is sunny." and response.tool_calls == ()
    assert response.usage == Usage(20, 10)  # both answered requests are counted


def test_constrained_streaming_sends_nothing_until_the_answer_is_read() -> None:
    call = json.dumps({"tool": "get_weather", "arguments": {"city": "Oslo"}})
    double = Double("openai:double", answer(call), answer(json.dumps({"answer": "Sunny."})))
    model = ConstrainedModel(double, "json_schema")
    first = collect(model.stream(ModelRequest(ANSWERED[:1], tools=[WEATHER_TOOL])))
    (delta, done) = first
    assert isinstance(delta, ToolCallDelta) and (delta.name, json.loads(delta.arguments)) == (
        "get_weather",
        {"city": "Oslo"},
    )
    assert isinstance(done, FinalResponse) and done.response.tool_calls[0].id == delta.id
    second = collect(model.stream(ModelRequest(ANSWERED[:1], tools=[WEATHER_TOOL])))
    assert second == [TextDelta("Sunny."), FinalResponse(final(second))]
    assert double.streams == 0  # whole answers only: the JSON is read once complete
    assert double.requests[0].tools is None and double.requests[0].response_format is not None


# -- fallback --------------------------------------------------------------------------------------


def test_fallback_moves_on_only_after_failures_another_model_can_fix() -> None:
    down = ModelCallError("primary down", fallback_ok=True)
    primary, backup = Double("openai:primary", down), Double("openai:backup", answer("from backup"))
    heard = Heard()
    response = asyncio.run(FallbackModel([primary, backup]).request(ModelRequest(HELLO, listener=heard)))
    assert response.content == "from backup"
    assert heard.events == [("fallback", "openai:primary", "openai:backup", 1)]

    refused = Double("openai:primary", ModelCallError("bad request", status_code=400))
    with pytest.raises(ModelCallError, match="bad request"):
        asyncio.run(FallbackModel([refused, backup]).request(ModelRequest(HELLO)))
    assert len(backup.requests) == 1

    asyncio.run(FallbackModel([refused, backup]).request(ModelRequest(HELLO, first_route=1)))
    assert len(refused.requests) == 1 and len(backup.requests) == 2  # the stay policy's start skips the primary


def test_a_stream_falls_back_before_its_first_chunk_only() -> None:
    down = ModelCallError("primary down", fallback_ok=True)
    backup = Double("openai:backup", answer("from backup"))
    chunks = collect(FallbackModel([Double("openai:primary", down), backup]).stream(ModelRequest(HELLO)))
    assert final(chunks).content == "from backup"

    breaking = Double("openai:primary", answer("half"), break_stream=down)
    with pytest.raises(ModelCallError, match="primary down"):
        collect(FallbackModel([breaking, backup]).stream(ModelRequest(HELLO)))
    assert backup.streams == 1  # not asked again once the primary's answer had started


# -- the chat span ---------------------------------------------------------------------------------


class FallsBackOnce(Double):
    """A chain that reports a fallback to its second route, which then answers."""

    async def request(self, request: ModelRequest) -> ModelResponse:
        request.listener.retrying(self._route, 1, "server error (503)", 0.0)
        request.listener.falling_back(self._route, ModelRoute("openai:gpt-4.1-mini"), 1, "HTTP 401")
        return await super().request(request)


def test_the_chat_span_records_the_call_retries_fallbacks_and_cost(chat_spans: list[ReadableSpan]) -> None:
    model = InstrumentedModel(FallsBackOnce("openai:unpriced-model", answer("hi", model="gpt-4.1-mini")))
    asyncio.run(model.request(ModelRequest(HELLO, params={"temperature": 0.5})))
    (span,) = chat_spans
    assert span.name == "chat gpt-4.1-mini"  # renamed after the route that served
    attributes = dict(span.attributes or {})
    assert attributes[attr.MODEL_ID] == "openai:gpt-4.1-mini"
    assert attributes["gen_ai.request.temperature"] == 0.5
    assert (attributes[attr.INPUT_TOKENS], attributes[attr.OUTPUT_TOKENS]) == (10, 5)
    assert attributes[attr.COST] > 0  # priced as the serving route's model
    assert [event.name for event in span.events] == [attr.RETRY_EVENT, attr.FALLBACK_EVENT]
    assert dict(span.events[1].attributes or {})["to"] == "openai:gpt-4.1-mini"
    assert attr.TIME_TO_FIRST_TOKEN not in attributes


def test_a_streamed_call_has_the_same_span_plus_time_to_first_token(chat_spans: list[ReadableSpan]) -> None:
    model = InstrumentedModel(Double("openai:double", answer("streamed answer")))
    asyncio.run(model.request(ModelRequest(HELLO)))
    current: list[trace.Span] = []

    async def consume() -> None:
        async for _ in model.stream(ModelRequest(HELLO)):
            current.append(trace.get_current_span())

    asyncio.run(consume())
    whole, streamed = (dict(span.attributes or {}) for span in chat_spans)
    assert streamed.pop(attr.TIME_TO_FIRST_TOKEN) >= 0
    assert streamed == whole
    assert chat_spans[0].name == chat_spans[1].name
    assert all(span is not chat_spans[1] and not span.get_span_context().is_valid for span in current)


def test_a_failed_call_marks_its_span(chat_spans: list[ReadableSpan]) -> None:
    model = InstrumentedModel(Double("openai:double", ModelCallError("refused", status_code=400)))
    with pytest.raises(ModelCallError):
        asyncio.run(model.request(ModelRequest(HELLO)))
    with pytest.raises(ModelCallError):
        collect(model.stream(ModelRequest(HELLO)))
    for span in chat_spans:
        assert span.status.status_code == trace.StatusCode.ERROR and span.status.description == "refused"
        assert dict(span.attributes or {})[attr.ERROR_TYPE] == "400"
    unreadable = InstrumentedModel(Double("openai:double", ModelResponseError("the answer could not be read")))
    with pytest.raises(ModelResponseError):
        asyncio.run(unreadable.request(ModelRequest(HELLO)))
    assert dict(chat_spans[-1].attributes or {})[attr.ERROR_TYPE] == "model_response_unreadable"


# -- run accounting --------------------------------------------------------------------------------


def new_run(max_turns: int = 10) -> RunContext:
    config = AgentConfig(model_id="openai:double", api_base="http://127.0.0.1:9/v1", max_turns=max_turns)
    return RunContext(config, "test", "conversation", [], trace.INVALID_SPAN)


def test_run_accounting_counts_turns_and_keeps_the_runs_first_failure() -> None:
    run = new_run(max_turns=2)
    model = RunAccountingModel(Double("openai:double", answer("ok")), stay_on_fallback=True)
    for _ in range(2):
        asyncio.run(model.request(ModelRequest(HELLO, run=run)))
    with pytest.raises(TurnLimitReached, match="max_turns=2"):
        asyncio.run(model.request(ModelRequest(HELLO, run=run)))
    assert run.turn_limit_hit and run.model_calls == 2

    run = new_run()
    refused = ModelCallError("refused")
    failing = Double("openai:double", refused, answer("never"))
    model = RunAccountingModel(failing, stay_on_fallback=True)
    for _ in range(2):  # the second call is not made: a framework that swallowed the first gets it again
        with pytest.raises(ModelCallError) as info:
            asyncio.run(model.request(ModelRequest(HELLO, run=run)))
        assert info.value is refused
    assert run.failure is refused and len(failing.requests) == 1


@pytest.mark.parametrize(("stay", "second_start"), [(True, 1), (False, 0)])
def test_the_stay_policy_starts_from_the_route_that_served_last(stay: bool, second_start: int) -> None:
    run = new_run()
    double = FallsBackOnce("openai:primary", answer("ok"))
    model = RunAccountingModel(double, stay_on_fallback=stay)
    asyncio.run(model.request(ModelRequest(HELLO, run=run)))
    assert run.model_route == 1
    collect(model.stream(ModelRequest(HELLO, run=run)))
    assert [request.first_route for request in double.requests] == [0, second_start]


# -- the composed client ---------------------------------------------------------------------------


def test_client_stream_gives_deltas_then_the_answer_and_the_same_chat_span(chat_spans: list[ReadableSpan]) -> None:
    with ScriptedLLM(echo()) as llm:
        client = ModelClient(llm.model_id, api_base=llm.base_url)
        whole = asyncio.run(client.complete(HELLO))
        chunks = collect(client.stream(HELLO))
    assert len([chunk for chunk in chunks if isinstance(chunk, TextDelta)]) > 2
    assert final(chunks).content == whole.content
    first, second = (dict(span.attributes or {}) for span in chat_spans)
    assert set(second) - set(first) == {attr.TIME_TO_FIRST_TOKEN}
    for name in (attr.RESPONSE_ID, attr.TIME_TO_FIRST_TOKEN):
        first.pop(name, None)
        second.pop(name, None)
    assert first == second


def test_client_stream_falls_back_before_the_first_chunk(chat_spans: list[ReadableSpan]) -> None:
    with ScriptedLLM(echo()) as primary, ScriptedLLM(echo(), model="backup-model") as backup:
        primary.inject(Fault.status(401, "key revoked"))
        client = ModelClient(
            primary.model_id,
            api_base=primary.base_url,
            fallbacks=[ModelRoute(backup.model_id, api_base=backup.base_url)],
        )
        chunks = collect(client.stream(HELLO))
        assert len(backup.requests) == 1 and backup.requests[0].stream
    assert final(chunks).model == "backup-model"
    (span,) = chat_spans
    assert span.name == "chat backup-model"
    assert [event.name for event in span.events] == [attr.FALLBACK_EVENT]


def test_a_single_route_is_not_followed() -> None:
    run = new_run()
    double = Double("openai:only", answer("ok"))
    heard = Heard()
    model = RunAccountingModel(double, stay_on_fallback=True, single_route=True)
    asyncio.run(model.request(ModelRequest(HELLO, run=run, listener=heard)))
    assert double.requests[0].listener is heard and double.requests[0].first_route == 0
    assert run.model_route == 0 and run.model_calls == 1


class OpensStreams(ProviderModel):
    """A provider model that keeps the provider's chunk iterators it opened."""

    opened: list[Any]

    async def _call(self, request: ModelRequest, params: Any) -> Any:
        chunks = await super()._call(request, params)
        self.opened = [*getattr(self, "opened", []), chunks]
        return chunks


def test_closing_a_stream_part_way_closes_the_providers_stream_through_every_layer() -> None:
    with ScriptedLLM(echo()) as llm:
        provider = OpensStreams(route_of(llm), timeout=30)
        layers = FallbackModel([RetryingModel(provider, NO_WAIT), Double("openai:unused", answer("never"))])
        model = RunAccountingModel(InstrumentedModel(layers), stay_on_fallback=True)

        async def main() -> list[Any]:
            stream = model.stream(ModelRequest(HELLO, run=new_run()))
            first = await anext(stream)
            await stream.aclose()
            (opened,) = provider.opened
            return [first, [chunk async for chunk in opened]]

        first, after_close = asyncio.run(main())
    assert isinstance(first, TextDelta)
    assert after_close == []  # closed: the rest of the answer is never read
