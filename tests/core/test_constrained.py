"""Constrained-decoding tool calls, on the scripted server (the local-model tests use a real model)."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from any_agent import Agent, AgentConfig
from any_agent.model.constrained import ANSWER_MAX_CHARS
from any_agent.testing import ChatRequest, Reply, ScriptedLLM
from any_agent.tracing import attributes as attr


def get_weather(city: str) -> str:
    """Get the weather in a city."""
    return f"{city}: sunny"


class Report(BaseModel):
    city: str
    sky: str


def _schema(request: ChatRequest) -> dict:  # type: ignore[type-arg]
    assert request.response_format is not None and request.response_format["type"] == "json_schema"
    return dict(request.response_format["json_schema"]["schema"])


def test_tools_become_a_schema_and_answers_become_tool_calls() -> None:
    def handler(request: ChatRequest) -> Reply:
        assert request.tools == []  # no native tool calling: the schema carries the tools
        branches = _schema(request)["anyOf"]
        assert branches[0]["properties"]["tool"] == {"const": "get_weather"}
        if not any(message["role"] == "assistant" for message in request.messages):  # tool results are user turns
            assert "get_weather" in (request.system_prompt or "")
            return Reply(content=json.dumps({"tool": "get_weather", "arguments": {"city": "Oslo"}}))
        assert request.messages[-1]["role"] == "user"  # the tool result, as plain text
        assert "Oslo: sunny" in request.messages[-1]["content"]
        return Reply(content=json.dumps({"answer": "Sunny in Oslo."}))

    with ScriptedLLM(handler) as llm:
        config = AgentConfig(
            model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather], constrained_decoding=True
        )
        trace = Agent.create(config).run("Weather in Oslo?")
    assert trace.final_output == "Sunny in Oslo."
    steps = trace.normalized()
    assert [step["name"] for step in steps] == [
        "invoke_agent any_agent", "chat scripted", "execute_tool get_weather", "chat scripted"
    ]  # fmt: skip
    assert steps[1]["tool_calls"] == [{"name": "get_weather", "arguments": {"city": "Oslo"}}]
    assert steps[2]["arguments"] == {"city": "Oslo"}


def test_a_repeated_call_is_asked_again_with_only_the_answer_allowed() -> None:
    def handler(request: ChatRequest) -> Reply:
        schema = _schema(request)
        if "anyOf" in schema:  # a small model that keeps calling the same tool
            return Reply(content=json.dumps({"tool": "get_weather", "arguments": {"city": "Oslo"}}))
        return Reply(content=json.dumps({"answer": "It is sunny."}))

    with ScriptedLLM(handler) as llm:
        config = AgentConfig(
            model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather], constrained_decoding=True
        )
        trace = Agent.create(config).run("Weather in Oslo?")
        assert len(llm.requests) == 3
    assert trace.final_output == "It is sunny."
    chats = trace.operation_spans(attr.OP_CHAT)
    assert len(chats) == 2
    assert chats[1].attributes[attr.INPUT_TOKENS] == 20  # both requests of the second call counted


def test_structured_output_is_the_answer_branch() -> None:
    def handler(request: ChatRequest) -> Reply:
        branches = _schema(request)["anyOf"]
        assert branches[-1]["required"] == ["city", "sky"]
        if not any(message["role"] == "assistant" for message in request.messages):
            return Reply(content=json.dumps({"tool": "get_weather", "arguments": {"city": "Oslo"}}))
        return Reply(content=json.dumps({"city": "Oslo", "sky": "sunny"}))

    with ScriptedLLM(handler) as llm:
        config = AgentConfig(
            model_id=llm.model_id,
            api_base=llm.base_url,
            tools=[get_weather],
            output_type=Report,
            constrained_decoding=True,
        )
        trace = Agent.create(config).run("Weather in Oslo?")
    assert trace.final_output == Report(city="Oslo", sky="sunny")


def test_the_answer_string_has_a_length_bound() -> None:
    def handler(request: ChatRequest) -> Reply:
        answer = _schema(request)["anyOf"][-1]
        assert answer["properties"]["answer"] == {"type": "string", "maxLength": ANSWER_MAX_CHARS}
        return Reply(content=json.dumps({"answer": "Hi."}))

    with ScriptedLLM(handler) as llm:
        config = AgentConfig(
            model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather], constrained_decoding=True
        )
        assert Agent.create(config).run("Hi").final_output == "Hi."


@pytest.mark.parametrize(
    ("wire", "answer"),
    [
        ('{"answer": "the weather in Paris is sunny\n and warm" } ', "the weather in Paris is sunny\n and warm"),
        ('{ "answer": "Sunny." }\n<end_of_turn>', "Sunny."),
        ('{"answer": "Sunny, 21\\u00b0C, with a \\"light\\" bree', 'Sunny, 21°C, with a "light" bree'),
        ('{"answer": "cut in an escape \\', "cut in an escape"),
    ],
    ids=["raw newline", "trailing text", "cut at the output bound", "cut in an escape"],
)
def test_the_answer_is_unwrapped_leniently_never_handed_over_as_wire_format(wire: str, answer: str) -> None:
    with ScriptedLLM(lambda request: Reply(content=wire)) as llm:
        config = AgentConfig(
            model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather], constrained_decoding=True
        )
        assert Agent.create(config).run("Weather in Paris?").final_output == answer
