"""The LangGraph adapter's own behaviour; the shared scenarios are the conformance kit (test_conformance.py)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import socket
from pathlib import Path
from typing import Any

import langsmith.utils
import pytest
from langchain.agents.middleware import AgentMiddleware, AgentState
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel

from any_agent import Agent, AgentConfig, AgentRunError, AgentTrace, ConfigError, MaxTurnsExceeded, ModelClient
from any_agent.model.client import TurnLimitReached
from any_agent.testing import ChatRequest, Reply, ScriptedLLM, ScriptedToolCall, plan
from any_agent.tracing import attributes as attr
from any_agent_langgraph import LangGraphAdapter, ModelBridge, ToolBridge

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "frameworks" / "langgraph_custom_graph.py"


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 21°C"


class WeatherReport(BaseModel):
    """A structured weather report."""

    city: str
    temperature_c: float
    summary: str


class CountingMiddleware(AgentMiddleware[AgentState[Any], Any]):
    """A before-model hook: one more graph node per turn."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def before_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        self.calls += 1
        return None


def config(llm: ScriptedLLM, framework: str = "langgraph", **fields: Any) -> AgentConfig:
    values: dict[str, Any] = {"name": "weather", "tools": [get_weather], **fields}
    return AgentConfig(framework=framework, model_id=llm.model_id, api_base=llm.base_url, **values)


def run_on(framework: str, handler: Any, prompt: Any = "What is the weather in Paris?", **fields: Any) -> Any:
    """Run on a fresh scripted server; the trace (or the error) and the requests the model saw."""
    with ScriptedLLM(handler) as llm:
        agent = Agent.create(config(llm, framework, **fields))
        try:
            outcome: AgentTrace | AgentRunError = agent.run(prompt)
        except AgentRunError as error:
            outcome = error
        return outcome, list(llm.requests)


def without_ids(requests: list[ChatRequest]) -> list[Any]:
    text = json.dumps([request.raw for request in requests], sort_keys=True)
    for index, request in enumerate(requests):
        for message in request.messages:
            for call in message.get("tool_calls") or []:
                text = text.replace(call["id"], f"id{index}")
    return json.loads(text)  # type: ignore[no-any-return]


def test_native_is_the_compiled_create_agent_graph() -> None:
    with ScriptedLLM(plan(["Hi!"])) as llm:
        agent = Agent.create(config(llm, instructions="Be brief."))
        graph = agent.native
        assert isinstance(graph, CompiledStateGraph)
        assert {"model", "tools"} <= set(graph.nodes)
        assert agent.run("Hello").final_output == "Hi!"
        assert agent.native is graph  # one graph for every run
        assert llm.requests[0].messages[0] == {"role": "system", "content": "Be brief."}


def test_model_and_tool_bridges_are_the_core_ones() -> None:
    with ScriptedLLM(plan(["Hi!"])) as llm:
        agent = Agent.create(config(llm))
    adapter = agent.adapter
    assert isinstance(adapter, LangGraphAdapter)
    assert isinstance(adapter.chat_model, ModelBridge)
    assert adapter.chat_model.client is adapter.model
    assert [tool.spec for tool in adapter.lc_tools] == adapter.toolset.bridged
    assert all(isinstance(tool, ToolBridge) for tool in adapter.lc_tools)


@pytest.mark.parametrize(("max_turns", "limit"), [(1, 4), (2, 6), (5, 12)])
def test_the_recursion_limit_is_a_turn_above_max_turns(max_turns: int, limit: int) -> None:
    """The core's count stops the run; LangGraph's recursion limit (two steps a turn) never does first."""
    script = plan([[("get_weather", {"city": city})] for city in ("Paris", "Berlin", "Tokyo", "Rome", "Oslo", "Lima")])
    with ScriptedLLM(script) as llm:
        agent = Agent.create(config(llm, max_turns=max_turns))
        adapter = agent.adapter
        assert isinstance(adapter, LangGraphAdapter)
        assert adapter.recursion_limit(max_turns + 1) == limit
        with pytest.raises(MaxTurnsExceeded) as raised:
            agent.run("Weather?")
        assert len(llm.requests) == max_turns
    cause = raised.value.cause
    assert isinstance(cause, TurnLimitReached) and cause.__cause__ is None  # not a GraphRecursionError


def test_max_turns_counts_middleware_nodes() -> None:
    middleware = CountingMiddleware()
    script = plan([[("get_weather", {"city": city})] for city in ("Paris", "Berlin", "Tokyo", "Rome")])
    with ScriptedLLM(script) as llm:
        agent = Agent.create(config(llm, max_turns=2, agent_args={"middleware": [middleware]}))
        adapter = agent.adapter
        assert isinstance(adapter, LangGraphAdapter)
        assert adapter.recursion_limit(3) == 9  # before_model, model, tools: three nodes a turn
        with pytest.raises(MaxTurnsExceeded) as raised:
            agent.run("Weather?")
        assert len(llm.requests) == 2
    assert middleware.calls == 3  # the refused third turn's before_model ran: the core refuses at the model
    assert isinstance(raised.value.cause, TurnLimitReached)
    assert len(raised.value.trace.operation_spans(attr.OP_CHAT)) == 2


def test_agent_args_reach_create_agent_and_conversation_id_is_the_thread() -> None:
    middleware = CountingMiddleware()
    with ScriptedLLM(plan(["Nice to meet you, Ada."])) as llm:
        agent = Agent.create(config(llm, agent_args={"middleware": [middleware], "checkpointer": InMemorySaver()}))
        agent.run("My name is Ada.", conversation_id="ada")
        agent.run("What is my name?", conversation_id="ada")
        agent.run("Who am I?", conversation_id="someone-else")
        remembered, fresh = llm.requests[1].messages, llm.requests[2].messages
    assert middleware.calls == 3
    assert [m["content"] for m in remembered] == ["My name is Ada.", "Nice to meet you, Ada.", "What is my name?"]
    assert [m["content"] for m in fresh] == ["Who am I?"]


@pytest.mark.parametrize(
    ("agent_args", "message"),
    [
        ({"model": "openai:gpt-4.1"}, "AgentConfig.model_id"),
        ({"system_prompt": "Hi"}, "AgentConfig.instructions"),
        ({"tools": []}, "AgentConfig.tools"),
        ({"temperature": 0.2}, "create_agent takes no 'temperature'"),
        ({"graph": "not callable"}, "must be a callable"),
        ({"graph": lambda model, tools: model}, "must return a compiled LangGraph graph"),
        ({"graph": lambda model, tools: None, "debug": True}, "'graph' replaces create_agent"),
    ],
)
def test_agent_args_errors_name_the_fix(agent_args: dict[str, Any], message: str) -> None:
    with ScriptedLLM(plan(["Hi"])) as llm, pytest.raises(ConfigError) as raised:
        Agent.create(config(llm, agent_args=agent_args))
    assert raised.value.field == "agent_args"
    assert message in str(raised.value)


@pytest.mark.parametrize("arguments", ['{"city": "Par', '["Paris"]'])
def test_unparsable_arguments_reach_the_core_like_tiny(arguments: str) -> None:
    script = plan([[("get_weather", arguments)], [("get_weather", {"city": "Paris"})]], final="Sunny.")
    trace, requests = run_on("langgraph", script)
    reference, tiny_requests = run_on("tiny", script)
    assert trace.final_output == "Sunny."
    first = trace.operation_spans(attr.OP_EXECUTE_TOOL)[0]
    assert first.status == "ERROR"
    assert first.attributes[attr.TOOL_CALL_ARGUMENTS] == arguments  # the model's own text
    assert first.attributes[attr.ERROR_TYPE] == "InvalidToolArguments"
    tool_message = next(m for m in requests[1].messages if m["role"] == "tool")
    assert tool_message["content"] == first.attributes[attr.TOOL_CALL_RESULT]
    assert trace.normalized() == reference.normalized()
    assert without_ids(requests) == without_ids(tiny_requests)


def test_history_with_tool_calls_is_sent_like_tiny() -> None:
    history = [
        {"role": "system", "content": "Use metric units."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "Paris: sunny, 21°C"},
        {"role": "assistant", "content": "Sunny."},
        {"role": "user", "content": "And tomorrow?"},
    ]
    trace, requests = run_on("langgraph", plan(["Also sunny."]), prompt=history, instructions="Be brief.")
    _, tiny_requests = run_on("tiny", plan(["Also sunny."]), prompt=history, instructions="Be brief.")
    assert trace.final_output == "Also sunny."
    assert requests[0].raw == tiny_requests[0].raw


def test_structured_output_is_requested_like_tiny_and_returned_as_the_type() -> None:
    script = plan([[("get_weather", {"city": "Paris"})], {"city": "Paris", "temperature_c": 21.0, "summary": "sunny"}])
    trace, requests = run_on("langgraph", script, output_type=WeatherReport)
    _, tiny_requests = run_on("tiny", script, output_type=WeatherReport)
    assert trace.final_output == WeatherReport(city="Paris", temperature_c=21.0, summary="sunny")
    assert all(request.response_format is not None for request in requests)
    assert without_ids(requests) == without_ids(tiny_requests)


def test_structured_output_that_does_not_fit_fails_like_tiny() -> None:
    error, _ = run_on("langgraph", plan([Reply(content="not JSON at all")]), output_type=WeatherReport)
    tiny_error, _ = run_on("tiny", plan([Reply(content="not JSON at all")]), output_type=WeatherReport)
    assert isinstance(error, AgentRunError) and isinstance(tiny_error, AgentRunError)
    assert "does not fit output_type WeatherReport" in str(error)
    assert str(error) == str(tiny_error)


async def test_chat_model_reports_usage_to_langchain() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]])) as llm:
        model = ModelBridge(client=ModelClient(llm.model_id, api_base=llm.base_url))
        message = await model.bind_tools([get_weather]).ainvoke("Weather in Paris?")
        sync_message = model.invoke("Hello")
    assert isinstance(message, AIMessage)
    assert message.usage_metadata == {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}
    assert message.tool_calls[0]["name"] == "get_weather" and message.tool_calls[0]["args"] == {"city": "Paris"}
    assert message.response_metadata["finish_reason"] == "tool_calls"
    assert sync_message.usage_metadata is not None and sync_message.usage_metadata["total_tokens"] == 15
    assert llm.requests[0].tools[0]["function"]["name"] == "get_weather"


async def test_usage_reaches_langchain_accounting_and_matches_the_trace() -> None:
    async with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        agent = Agent.create(config(llm))
        with get_usage_metadata_callback() as usage:
            trace = await agent.run_async("Weather in Paris?")
    assert trace.usage.input_tokens == 20 and trace.usage.output_tokens == 10
    assert usage.usage_metadata == {"scripted": {"input_tokens": 20, "output_tokens": 10, "total_tokens": 30}}


async def test_with_structured_output_goes_through_the_bridge() -> None:
    report = {"city": "Paris", "temperature_c": 21.0, "summary": "sunny"}
    with ScriptedLLM(plan([[("WeatherReport", report)]])) as llm:
        model = ModelBridge(client=ModelClient(llm.model_id, api_base=llm.base_url))
        result = await model.with_structured_output(WeatherReport).ainvoke("Report on Paris.")
    assert result == WeatherReport.model_validate(report)
    assert llm.requests[0].raw["tool_choice"] == "required"


def test_native_graph_runs_synchronously_outside_a_run() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris.")) as llm:
        agent = Agent.create(config(llm))
        state = agent.native.invoke({"messages": [HumanMessage("Weather in Paris?")]})
        assert len(llm.requests) == 2
    tool_message = next(m for m in state["messages"] if isinstance(m, ToolMessage))
    assert tool_message.content == "Paris: sunny, 21°C"
    assert tool_message.artifact == "Paris: sunny, 21°C"  # the tool's own return value
    assert state["messages"][-1].text == "Sunny in Paris."


def test_tool_error_is_an_error_tool_message_with_the_core_text() -> None:
    def book_flight(city: str) -> str:
        """Book a flight.

        Args:
            city: Where to.
        """
        raise RuntimeError(f"no flights to {city}")

    with ScriptedLLM(plan([[("book_flight", {"city": "Paris"})]], final="Sorry.")) as llm:
        agent = Agent.create(config(llm, tools=[book_flight]))
        state = agent.native.invoke({"messages": [HumanMessage("Fly me to Paris.")]})
    tool_message = next(m for m in state["messages"] if isinstance(m, ToolMessage))
    assert tool_message.status == "error"
    assert tool_message.content == "Error: tool 'book_flight' raised RuntimeError: no flights to Paris"


def test_custom_graph_example_runs_with_the_same_trace_as_tiny() -> None:
    spec = importlib.util.spec_from_file_location("langgraph_custom_graph", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    trace = example.main()
    reference, _ = run_on(
        "tiny",
        plan([[("get_weather", {"city": "Paris"})]], final="It is sunny in Paris."),
        instructions="Answer weather questions with the get_weather tool.",
    )
    assert trace.final_output == "It is sunny in Paris."
    assert trace.normalized() == reference.normalized()


def test_custom_graph_gets_max_turns_and_instructions() -> None:
    spec = importlib.util.spec_from_file_location("langgraph_custom_graph", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    script = plan([[("get_weather", {"city": city})] for city in ("Paris", "Berlin", "Tokyo")])
    error, requests = run_on(
        "langgraph", script, max_turns=2, instructions="Be brief.", agent_args={"graph": example.build_graph}
    )
    assert isinstance(error, MaxTurnsExceeded)
    assert isinstance(error.cause, TurnLimitReached)
    assert len(requests) == 2
    assert requests[0].messages[0] == {"role": "system", "content": "Be brief."}


def test_a_broken_custom_graph_fails_with_an_actionable_message() -> None:
    def build(model: ModelBridge, tools: list[ToolBridge]) -> Any:
        builder = StateGraph(MessagesState)
        builder.add_node("broken", lambda state: "not a state update")
        builder.add_edge(START, "broken")
        return builder.compile()

    error, _ = run_on("langgraph", plan(["Hi"]), agent_args={"graph": build})
    assert isinstance(error, AgentRunError)
    assert "agent_args" in str(error)


def test_an_interrupted_graph_is_not_a_silent_success() -> None:
    agent_args = {"checkpointer": InMemorySaver(), "interrupt_before": ["tools"]}
    error, requests = run_on("langgraph", plan([[("get_weather", {"city": "Paris"})]]), agent_args=agent_args)
    assert isinstance(error, AgentRunError)
    assert "interrupt" in str(error) and "agent.native" in str(error)
    assert len(requests) == 1


def test_nothing_leaves_the_machine_by_default(network_attempts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # The audit is live: a connection outside loopback is recorded (and refused).
    with socket.socket() as sock, pytest.raises(OSError):
        sock.connect(("203.0.113.7", 443))
    assert network_attempts == ["socket.connect '203.0.113.7'"]
    network_attempts.clear()

    monkeypatch.setenv("LANGSMITH_API_KEY", "lsv2-not-a-real-key")  # a key alone does not turn tracing on
    assert not langsmith.utils.tracing_is_enabled()
    script = plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")
    trace, _ = run_on("langgraph", script)
    assert trace.final_output == "Sunny."
    assert network_attempts == []
    assert "OTEL_SDK_DISABLED" not in os.environ  # the user's own OpenTelemetry stays on


async def test_concurrent_runs_share_one_graph_without_mixing() -> None:
    def handler(request: ChatRequest) -> Reply:
        if request.turn == 0:
            return Reply(tool_calls=[ScriptedToolCall("get_weather", {"city": request.last_user_message})])
        return Reply(content=f"Report: {request.tool_results[-1]['content']}")

    async with ScriptedLLM(handler) as llm:
        agent = Agent.create(config(llm))
        cities = [f"City{index}" for index in range(20)]
        traces = await asyncio.gather(*(agent.run_async(city) for city in cities))
    for city, trace in zip(cities, traces, strict=True):
        assert trace.final_output == f"Report: {city}: sunny, 21°C"
        assert json.loads(trace.operation_spans(attr.OP_EXECUTE_TOOL)[0].attributes[attr.TOOL_CALL_ARGUMENTS]) == {
            "city": city
        }
