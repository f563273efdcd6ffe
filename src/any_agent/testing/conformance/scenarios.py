"""The conformance scenarios: one agent task each, with the scripted model's replies and the outcome.

Each scenario runs on the `tiny` reference adapter and on every installed adapter; the suite checks
the outcome and that both normalized traces are equal (up to the adapter's declared differences).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from any_agent.testing import ChatRequest, Fault, Reply, ScriptedToolCall, plan
from any_agent.testing.conformance.tools import (
    WeatherReport,
    book_flight,
    convert_currency,
    get_local_time,
    get_weather,
    slow_lookup,
)


@dataclass(frozen=True)
class Scenario:
    """One task, the scripted model's behaviour, and what the run must produce."""

    name: str
    handler: Callable[[ChatRequest], Reply | Fault]
    prompt: str | list[dict[str, Any]] = "What is the weather in Paris?"
    tools: tuple[Callable[..., Any], ...] = ()
    config: dict[str, Any] = field(default_factory=dict)
    faults: tuple[tuple[Fault, int], ...] = ()
    expected_output: Any = None
    """The final output, or an exception type the run must raise."""
    expected_steps: tuple[str, ...] = ()
    """The normalized step names in order, e.g. ("invoke_agent weather", "chat scripted", ...)."""


AGENT = "invoke_agent conformance"
CHAT = "chat scripted"


def tool(name: str) -> str:
    """The normalized step name of a call of tool ``name``."""
    return f"execute_tool {name}"


def _history_handler(request: ChatRequest) -> Reply:
    earlier = [m.get("content") for m in request.messages if m.get("role") == "assistant"]
    return Reply(
        content=f"Earlier you heard: {earlier[-1] if earlier else 'nothing'}. Now: {request.last_user_message}"
    )


_ADA: tuple[dict[str, Any], ...] = (
    {"role": "user", "content": "My name is Ada."},
    {"role": "assistant", "content": "Nice to meet you, Ada."},
    {"role": "user", "content": "What is my name?"},
)
_ADA_ANSWER = "Earlier you heard: Nice to meet you, Ada.. Now: What is my name?"

SCENARIOS: list[Scenario] = [
    Scenario(
        "plain_answer",
        plan(["Hello! How can I help?"]),
        prompt="Hi",
        expected_output="Hello! How can I help?",
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "one_tool",
        plan([[("get_weather", {"city": "Paris"})]], final="It is sunny in Paris."),
        tools=(get_weather,),
        expected_output="It is sunny in Paris.",
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT),
    ),
    Scenario(
        "two_sequential_tools",
        plan([[("get_weather", {"city": "Paris"})], [("get_local_time", {"city": "Paris"})]]),
        prompt="Weather and time in Paris?",
        tools=(get_weather, get_local_time),
        expected_output="Done: Paris: sunny, 21°C; Paris: 14:00",
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT, tool("get_local_time"), CHAT),
    ),
    Scenario(
        "two_tools_one_turn",
        plan([[("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Berlin"})]], final="Paris wins."),
        prompt="Compare Paris and Berlin weather.",
        tools=(get_weather,),
        expected_output="Paris wins.",
        expected_steps=(AGENT, CHAT, tool("get_weather"), tool("get_weather"), CHAT),
    ),
    Scenario(
        "async_tool",
        plan([[("convert_currency", {"amount": 100, "from_currency": "EUR", "to_currency": "USD"})]]),
        prompt="100 EUR in USD?",
        tools=(convert_currency,),
        expected_output="Done: 110.0",
        expected_steps=(AGENT, CHAT, tool("convert_currency"), CHAT),
    ),
    Scenario(
        "tool_raises",
        plan([[("book_flight", {"city": "Paris"})]], final="Sorry, no flights today."),
        prompt="Book me a flight to Paris.",
        tools=(book_flight,),
        expected_output="Sorry, no flights today.",
        expected_steps=(AGENT, CHAT, tool("book_flight"), CHAT),
    ),
    Scenario(
        "invalid_tool_arguments",
        plan([[("get_weather", {"town": "Paris"})], [("get_weather", {"city": "Paris"})]], final="Sunny."),
        tools=(get_weather,),
        expected_output="Sunny.",
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT, tool("get_weather"), CHAT),
    ),
    Scenario(
        "structured_output",
        plan([[("get_weather", {"city": "Paris"})], {"city": "Paris", "temperature_c": 21.0, "summary": "sunny"}]),
        prompt="Report the weather in Paris.",
        tools=(get_weather,),
        config={"output_type": WeatherReport},
        expected_output=WeatherReport(city="Paris", temperature_c=21.0, summary="sunny"),
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT),
    ),
    Scenario(
        "history_input",
        _history_handler,
        prompt=list(_ADA),
        expected_output=_ADA_ANSWER,
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "rate_limited_then_ok",
        plan(["Fine after all."]),
        prompt="Hi",
        faults=((Fault.rate_limit(retry_after=0.01), 1),),
        expected_output="Fine after all.",
        expected_steps=(AGENT, CHAT),
    ),
]

SCENARIOS += [
    Scenario(
        "unknown_tool",
        plan([[("book_hotel", {"city": "Paris"})]], final="I cannot book hotels."),
        prompt="Book a hotel in Paris.",
        tools=(get_weather,),
        expected_output="I cannot book hotels.",
        expected_steps=(AGENT, CHAT, tool("book_hotel"), CHAT),
    ),
    Scenario(
        # The unknown call first: a framework that answers unknown calls apart from the others
        # must still give the model its results in the order of its calls.
        "unknown_tool_beside_a_known_one",
        plan([[("book_hotel", {"city": "Paris"}), ("get_weather", {"city": "Paris"})]], final="Sunny; no hotels."),
        prompt="Book a hotel in Paris and tell me the weather there.",
        tools=(get_weather,),
        expected_output="Sunny; no hotels.",
        expected_steps=(AGENT, CHAT, tool("book_hotel"), tool("get_weather"), CHAT),
    ),
    Scenario(
        "invalid_json_arguments",
        plan(
            [[ScriptedToolCall("get_weather", '{"city": "Par')], [("get_weather", {"city": "Paris"})]], final="Sunny."
        ),
        tools=(get_weather,),
        expected_output="Sunny.",
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT, tool("get_weather"), CHAT),
    ),
    Scenario(
        "history_with_tool_calls",
        _history_handler,
        prompt=[
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "h1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "h1", "content": "Paris: sunny, 21°C"},
            {"role": "assistant", "content": "Sunny in Paris."},
            {"role": "user", "content": "And tomorrow?"},
        ],
        tools=(get_weather,),
        expected_output="Earlier you heard: Sunny in Paris.. Now: And tomorrow?",
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "history_with_system_message",
        _history_handler,
        # A system message of the history, besides the agent's instructions: sent as `tiny` sends it.
        prompt=[{"role": "system", "content": "Answer in one short sentence."}, *_ADA],
        expected_output=_ADA_ANSWER,
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "empty_answer",
        plan([""]),
        prompt="Say nothing.",
        expected_output="",
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "structured_output_no_tools",
        plan([{"city": "Oslo", "temperature_c": 5.0, "summary": "snow"}]),
        prompt="Report the weather in Oslo.",
        config={"output_type": WeatherReport},
        expected_output=WeatherReport(city="Oslo", temperature_c=5.0, summary="snow"),
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "model_args_reach_the_wire",
        plan([[("get_weather", {"city": "Paris"})]], final="Sunny."),
        tools=(get_weather,),
        config={"model_args": {"temperature": 0.25, "seed": 7, "max_tokens": 300}},
        expected_output="Sunny.",
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT),
    ),
    Scenario(
        "max_turns_exactly_reached",
        plan([[("get_weather", {"city": "Paris"})]], final="Sunny."),
        tools=(get_weather,),
        config={"max_turns": 2},
        expected_output="Sunny.",
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT),
    ),
    Scenario(
        "timeout_then_success",
        plan(["Made it."]),
        prompt="Hi",
        config={"request_timeout": 0.5, "max_retries": 1},
        faults=((Fault.slow(3.0), 1),),
        expected_output="Made it.",
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "overlapping_async_tools",
        plan([[("slow_lookup", {"key": "a"}), ("slow_lookup", {"key": "b"})]], final="Both found."),
        prompt="Look up a and b.",
        tools=(slow_lookup,),
        expected_output="Both found.",
        expected_steps=(AGENT, CHAT, tool("slow_lookup"), tool("slow_lookup"), CHAT),
    ),
]

# Scenarios whose run must fail; their partial traces are compared too.
FAILING: list[Scenario] = [
    Scenario(
        "max_turns_exceeded",
        plan([[("get_weather", {"city": city})] for city in ("Paris", "Berlin", "Tokyo", "Rome", "Oslo")]),
        tools=(get_weather,),
        config={"max_turns": 2},
        expected_steps=(AGENT, CHAT, tool("get_weather"), CHAT, tool("get_weather")),
    ),
    Scenario(
        "provider_500_after_retries",
        plan(["never seen"]),
        prompt="Hi",
        config={"max_retries": 2},
        faults=((Fault.server_error(500, retry_after=0.0), 3),),
        expected_steps=(AGENT, CHAT),
    ),
    Scenario(
        "bad_request_is_not_retried",
        plan(["never seen"]),
        prompt="Hi",
        faults=((Fault.status(400, "unsupported parameter"), 1),),
        expected_steps=(AGENT, CHAT),
    ),
]


def per_prompt_handler(request: ChatRequest) -> Reply:
    """Stateless policy for the concurrency test: look up the city named in the prompt, then report."""
    if request.turn == 0:
        return Reply(tool_calls=[ScriptedToolCall("get_weather", {"city": request.last_user_message})])
    return Reply(content=f"Report: {request.tool_results[-1]['content']}")
