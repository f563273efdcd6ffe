"""The direct path for OpenAI-compatible endpoints sends what any-llm sends, and reads and fails the same way."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from any_agent.model.direct import direct_completion
from any_agent.model.provider import ProviderModel
from any_agent.model.route import ModelRoute
from any_agent.model.types import ModelResponse
from any_agent.testing import Fault, Reply, ScriptedLLM, ScriptedToolCall, echo, plan

WEATHER = {
    "type": "function",
    "function": {
        "name": "weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
HISTORY: list[dict[str, Any]] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Weather in Paris?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": '{"city": "Paris"}'}}
        ],
    },
    {"role": "tool", "tool_call_id": "c1", "content": "Sunny"},
    {"role": "user", "content": [{"type": "text", "text": "And tomorrow?"}]},
]
FORMAT = {"type": "json_schema", "json_schema": {"name": "Answer", "schema": {"type": "object"}, "strict": False}}


async def both_ways(
    llm: ScriptedLLM, tools: list[dict[str, Any]] | None, response_format: dict[str, Any] | None, params: dict[str, Any]
) -> tuple[Any, Any]:
    """The same call on the direct path, then through any-llm; both answers."""
    route = ModelRoute(llm.model_id, api_base=llm.base_url)
    provider = await route.provider_for_this_loop()
    direct = await direct_completion(provider, llm.model, list(HISTORY), tools, response_format, 30.0, params)
    assert direct is not None, "the direct path applies"
    through = await provider.acompletion(
        llm.model, list(HISTORY), tools=tools, response_format=response_format, timeout=30.0, **params
    )
    await route.aclose()
    return direct, through


@pytest.mark.parametrize(
    ("tools", "response_format", "params"),
    [
        ([WEATHER], None, {}),
        ([WEATHER], None, {"tool_choice": "auto", "parallel_tool_calls": True, "temperature": 0.2, "max_tokens": 50}),
        (None, FORMAT, {"seed": 7, "top_p": 0.9, "stop": ["\n\n"], "extra_body": {"top_k": 3}}),
        (None, None, {"max_completion_tokens": 9, "extra_headers": {"x-trace": "1"}, "user": "u1"}),
    ],
)
def test_the_same_request_on_the_wire_and_the_same_answer(
    tools: list[dict[str, Any]] | None, response_format: dict[str, Any] | None, params: dict[str, Any]
) -> None:
    with ScriptedLLM(plan([[("weather", {"city": "Paris"})], "Done."])) as llm:
        direct, through = asyncio.run(both_ways(llm, tools, response_format, params))
        sent_direct, sent_through = llm.requests
    # The same body, key for key and in the same order, and the same headers that matter.
    assert list(sent_direct.raw.items()) == list(sent_through.raw.items())
    for header in ("authorization", "content-type", "x-trace", "user-agent"):
        assert sent_direct.headers.get(header) == sent_through.headers.get(header)
    reader = ProviderModel(ModelRoute("openai:scripted", api_base="http://127.0.0.1:9/v1"), timeout=1)
    # Read into the core's answer, both are the same but for the ids the scripted server makes up.
    assert anonymous(reader.read(direct, None)) == anonymous(reader.read(through, None))


def anonymous(response: ModelResponse) -> ModelResponse:
    calls = tuple(dataclasses.replace(call, id="") for call in response.tool_calls)
    return dataclasses.replace(response, tool_calls=calls, response_id=None)


def test_parameters_any_llm_adapts_go_through_any_llm() -> None:
    async def main() -> list[Any]:
        with ScriptedLLM(echo()) as llm:
            route = ModelRoute(llm.model_id, api_base=llm.base_url)
            provider = await route.provider_for_this_loop()
            found = [
                await direct_completion(provider, llm.model, list(HISTORY), None, None, 30.0, params)
                for params in ({"reasoning_effort": "low"}, {"n": 2}, {"max_tokens": 5, "max_completion_tokens": 6})
            ]
            await route.aclose()
            return found

    assert asyncio.run(main()) == [None, None, None]


def test_a_failure_is_any_llms_error_either_way() -> None:
    async def failure(direct: bool) -> BaseException:
        with ScriptedLLM(echo()) as llm:
            llm.inject(Fault.status(400, "context_length_exceeded"))
            route = ModelRoute(llm.model_id, api_base=llm.base_url)
            provider = await route.provider_for_this_loop()
            try:
                if direct:
                    await direct_completion(provider, llm.model, list(HISTORY), None, None, 30.0, {})
                else:
                    await provider.acompletion(llm.model, list(HISTORY), timeout=30.0)
            except Exception as error:
                return error
            finally:
                await route.aclose()
        raise AssertionError("the call did not fail")

    direct, through = asyncio.run(failure(True)), asyncio.run(failure(False))
    assert type(direct) is type(through)
    assert str(direct) == str(through)
    assert type(direct.__context__) is type(through.__context__)


class _ArgumentsAsAnObject(ScriptedToolCall):
    """A tool call whose arguments go on the wire as a JSON object, as some servers send them."""

    @property
    def arguments_json(self) -> Any:
        return self.arguments


@pytest.mark.parametrize(
    "reply",
    [
        Reply(content=[{"type": "text", "text": "Sunny."}]),  # type: ignore[arg-type]  # the shape under test
        Reply(tool_calls=[_ArgumentsAsAnObject("weather", {"city": "Paris"}, id="c9")]),
    ],
    ids=["content-as-parts", "arguments-as-an-object"],
)
def test_an_answer_outside_the_sdks_types_reads_as_any_llm_reads_it(reply: Reply) -> None:
    async def outcome(direct: bool) -> Any:
        with ScriptedLLM(lambda request: reply) as llm:
            route = ModelRoute(llm.model_id, api_base=llm.base_url)
            provider = await route.provider_for_this_loop()
            try:
                if direct:
                    return await direct_completion(provider, llm.model, list(HISTORY), None, None, 30.0, {})
                return await provider.acompletion(llm.model, list(HISTORY), timeout=30.0)
            except Exception as error:
                return error
            finally:
                await route.aclose()

    direct, through = asyncio.run(outcome(True)), asyncio.run(outcome(False))
    assert isinstance(through, Exception), "any-llm rejects this shape"
    assert type(direct) is type(through)
    assert str(direct) == str(through)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("any_llm.utils.reasoning", "strip_extra_content"),
        ("any_llm.utils.exception_handler", "provider_exception_handler"),
    ],
)
def test_an_any_llm_internal_a_release_moved_leaves_the_call_to_any_llm(
    module: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Our own fallback decision is under test: any-llm's path itself keeps the names it imported.
    import importlib

    from any_agent.model import direct
    from any_agent.model.base import ModelRequest

    monkeypatch.delattr(importlib.import_module(module), name)
    direct._any_llm_internals.cache_clear()

    async def main(llm: ScriptedLLM) -> tuple[Any, ModelResponse]:
        route = ModelRoute(llm.model_id, api_base=llm.base_url)
        provider = await route.provider_for_this_loop()
        found = await direct_completion(provider, llm.model, list(HISTORY), None, None, 30.0, {})
        await route.aclose()
        model = ProviderModel(ModelRoute(llm.model_id, api_base=llm.base_url), timeout=30)
        return found, await model.request(ModelRequest(HISTORY))

    try:
        with ScriptedLLM(plan(["Done."])) as llm:
            found, answer = asyncio.run(main(llm))
    finally:
        direct._any_llm_internals.cache_clear()  # found again once the attribute is back
    assert found is None
    assert answer.content == "Done."
