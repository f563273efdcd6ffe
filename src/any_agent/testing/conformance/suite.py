"""The conformance suite: the contract every adapter passes, shipped for third-party adapters too.

An adapter package runs the whole suite with a few lines in its own tests::

    from any_agent.testing.conformance import ConformanceSuite


    class TestMyFramework(ConformanceSuite):
        framework = "myframework"

Every scenario runs on the adapter and on `tiny`, the framework-free reference loop, against the
scripted model: the outcome, the normalized trace (which holds the conversation each model call
was sent) and the requests the model receives must all be the same, up to the differences the
adapter declares in ``Adapter.trace_differences``. How runs fail (tools that raise or return what
cannot be printed, a leaked key, cancellation and Ctrl-C, bad input at `Agent.create`) is checked
by `FailureChecks`, which the suite derives from. A framework that is not installed fails every
test with the reason (it is never skipped). Needs pytest; the network guard of
`any_agent.testing.pytest_plugin` is recommended (``pytest_plugins = ["any_agent.testing.pytest_plugin"]``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

import pytest

from any_agent import (
    Agent,
    AgentConfig,
    AgentRunError,
    AgentTrace,
    ConfigError,
    MaxTurnsExceeded,
    ModelResponseEvent,
    ModelStreamError,
    RunEvent,
    RunFinished,
    TextDeltaEvent,
    ToolCallEvent,
    ToolResultEvent,
    TurnLimitReached,
)
from any_agent.config import FallbackModel
from any_agent.registry import load_adapter
from any_agent.testing import ChatRequest, Fault, Reply, ScriptedLLM, ScriptedToolCall, plan
from any_agent.testing.conformance.failures import FailureChecks
from any_agent.testing.conformance.hooks_suite import HookConformance
from any_agent.testing.conformance.runner import (
    Outcome,
    expected_steps,
    reference,
    run_scenario,
    stop_reading_at_first_text,
    stream_scenario,
)
from any_agent.testing.conformance.scenarios import FAILING, SCENARIOS, Scenario, per_prompt_handler
from any_agent.testing.conformance.tools import LOOKUP_WINDOWS, get_weather
from any_agent.tools.dispatch import unknown_tool_message
from any_agent.tracing import attributes as attr

__all__ = ["ConformanceSuite"]


class ConformanceSuite(FailureChecks, HookConformance):
    """Subclass it with ``framework = "<name>"`` (and a name starting with ``Test``) to run the suite."""

    framework: ClassVar[str]
    """The framework under test, as `AgentConfig.framework` names it."""

    @pytest.fixture(autouse=True)
    def _framework_is_installed(self) -> None:
        load_adapter(self.framework)  # an adapter that is missing fails here, saying what to install

    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
    def test_scenario_matches_reference(self, scenario: Scenario) -> None:
        framework = self.framework
        outcome = run_scenario(scenario, framework)
        assert outcome.error is None, f"{framework} failed {scenario.name}: {outcome.error}"
        assert outcome.output == scenario.expected_output
        if scenario.expected_steps:
            assert _step_names(outcome.trace.normalized()) == scenario.expected_steps
        assert outcome.trace.normalized() == expected_steps(framework, scenario, reference(scenario).trace)
        root = outcome.trace.root
        assert root is not None and root.attributes[attr.FRAMEWORK] == framework
        assert outcome.trace.usage.input_tokens == 10 * len(outcome.trace.operation_spans(attr.OP_CHAT))

    @pytest.mark.parametrize("scenario", FAILING, ids=lambda s: s.name)
    def test_failing_scenario_keeps_partial_trace(self, scenario: Scenario) -> None:
        framework = self.framework
        outcome = run_scenario(scenario, framework)
        assert outcome.error is not None, f"{framework} should have failed {scenario.name}"
        assert outcome.error.trace is outcome.trace
        assert not outcome.trace.succeeded
        if scenario.name == "max_turns_exceeded":
            assert isinstance(outcome.error, MaxTurnsExceeded)
            assert outcome.error.max_turns == 2
            # The core's count stopped the run, not a limit of the framework's own (adapter_kit.turns).
            assert type(outcome.error.cause) is TurnLimitReached and outcome.error.cause.__cause__ is None
            assert str(outcome.error.cause) == "max_turns=2 reached"
        elif scenario.name == "bad_request_is_not_retried":
            assert type(outcome.error) is AgentRunError
            assert "failed (HTTP 400)" in str(outcome.error) and "unsupported parameter" in str(outcome.error)
            assert len(outcome.requests) == 1  # a request the server rejects is never sent again
        else:
            assert not isinstance(outcome.error, MaxTurnsExceeded)
            assert "500" in str(outcome.error)
            assert len(outcome.requests) == 3  # one try and max_retries=2 retries, no framework retry on top
        expected = reference(scenario)
        assert str(outcome.error) == str(expected.error).replace(expected.base_url, outcome.base_url)
        assert _step_names(outcome.trace.normalized()) == scenario.expected_steps
        assert outcome.trace.normalized() == expected_steps(framework, scenario, reference(scenario).trace)

    def test_tool_error_is_reported_to_the_model(self) -> None:
        framework = self.framework
        scenario = next(s for s in SCENARIOS if s.name == "tool_raises")
        outcome = run_scenario(scenario, framework)
        tool_span = outcome.trace.operation_spans(attr.OP_EXECUTE_TOOL)[0]
        assert tool_span.status == "ERROR"
        assert tool_span.attributes[attr.ERROR_TYPE] == "RuntimeError"
        tool_messages = [m for m in outcome.requests[-1].messages if m.get("role") == "tool"]
        assert "no flights to Paris today" in json.dumps(tool_messages)

    def test_invalid_arguments_reach_the_model_as_an_error(self) -> None:
        framework = self.framework
        scenario = next(s for s in SCENARIOS if s.name == "invalid_tool_arguments")
        outcome = run_scenario(scenario, framework)
        first = outcome.trace.operation_spans(attr.OP_EXECUTE_TOOL)[0]
        assert first.status == "ERROR"
        assert "city" in str(first.attributes[attr.TOOL_CALL_RESULT])
        second = outcome.trace.operation_spans(attr.OP_EXECUTE_TOOL)[1]
        assert second.status != "ERROR"

    def test_history_reaches_the_model(self) -> None:
        framework = self.framework
        scenario = next(s for s in SCENARIOS if s.name == "history_input")
        outcome = run_scenario(scenario, framework)
        contents = [m.get("content") for m in outcome.requests[0].messages]
        assert "My name is Ada." in json.dumps(contents)
        assert "Nice to meet you, Ada." in json.dumps(contents)

    def test_rate_limit_is_retried_on_the_span(self) -> None:
        framework = self.framework
        scenario = next(s for s in SCENARIOS if s.name == "rate_limited_then_ok")
        outcome = run_scenario(scenario, framework)
        chat = outcome.trace.operation_spans(attr.OP_CHAT)[0]
        assert [event.name for event in chat.events] == [attr.RETRY_EVENT]
        assert chat.events[0].attributes["reason"] == "rate limited (429)"
        assert len(outcome.requests) == 2

    def test_fifty_concurrent_runs_do_not_mix(self) -> None:
        framework = self.framework
        cities = [f"City{index}" for index in range(50)]

        async def main() -> list[AgentTrace]:
            with ScriptedLLM(per_prompt_handler) as llm:
                agent = Agent.create(
                    AgentConfig(
                        name="conformance",
                        framework=framework,
                        model_id=llm.model_id,
                        api_base=llm.base_url,
                        tools=[get_weather],
                    )
                )
                return list(await asyncio.gather(*(agent.run_async(city) for city in cities)))

        traces = asyncio.run(main())
        assert len(traces) == 50
        for city, trace in zip(cities, traces, strict=True):
            assert trace.final_output == f"Report: {city}: clear, 20°C"
            steps = trace.normalized()
            assert _step_names(steps) == (
                "invoke_agent conformance",
                "chat scripted",
                "execute_tool get_weather",
                "chat scripted",
            )
            assert steps[2]["arguments"] == {"city": city}
            trace_ids = {span.trace_id for span in trace.spans}
            assert len(trace_ids) == 1

    def test_fallback_model_serves_when_the_primary_is_revoked(self) -> None:
        """Model choice lives in the core model client, so it works the same on every framework."""
        framework = self.framework
        script = plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris.")
        with ScriptedLLM(script) as primary, ScriptedLLM(script, model="backup") as backup:
            primary.inject(Fault.status(401, "access revoked"), times=1)
            config = AgentConfig(
                name="conformance",
                framework=framework,
                model_id="openai:primary",
                api_base=primary.base_url,
                fallback_model_ids=[FallbackModel(model_id="openai:backup", api_base=backup.base_url)],
                tools=[get_weather],
            )
            trace = Agent.create(config).run("Weather in Paris?")
            assert (len(primary.requests), len(backup.requests)) == (1, 2)
        assert trace.final_output == "Sunny in Paris."
        assert trace.models_used == ["openai:backup"]
        first = trace.operation_spans(attr.OP_CHAT)[0]
        assert [event.name for event in first.events] == [attr.FALLBACK_EVENT]

    @pytest.mark.parametrize("scenario", SCENARIOS + FAILING, ids=lambda s: s.name)
    def test_requests_match_reference(self, scenario: Scenario) -> None:
        """The model is sent the same conversation, tools and parameters on every framework."""
        framework = self.framework
        outcome = run_scenario(scenario, framework)
        assert _sent(outcome.requests) == _sent(reference(scenario).requests)

    def test_unknown_tool_gets_the_core_answer(self) -> None:
        framework = self.framework
        outcome = run_scenario(_scenario("unknown_tool"), framework)
        [span] = outcome.trace.operation_spans(attr.OP_EXECUTE_TOOL)
        assert (span.status, span.attributes[attr.ERROR_TYPE]) == ("ERROR", "UnknownTool")
        told = [m["content"] for m in outcome.requests[1].messages if m.get("role") == "tool"]
        assert told == [unknown_tool_message("book_hotel", ["get_weather"])]

    def test_invalid_json_arguments_are_validated_by_the_core(self) -> None:
        framework = self.framework
        outcome = run_scenario(_scenario("invalid_json_arguments"), framework)
        first, second = outcome.trace.operation_spans(attr.OP_EXECUTE_TOOL)
        assert (first.status, first.attributes[attr.ERROR_TYPE]) == ("ERROR", "InvalidToolArguments")
        assert "not valid JSON" in str(first.attributes[attr.TOOL_CALL_RESULT])
        assert second.status != "ERROR"
        # The model is shown the arguments it wrote, not a framework's repair of them.
        [call] = next(m for m in outcome.requests[1].messages if m.get("tool_calls"))["tool_calls"]
        assert call["function"]["arguments"] == '{"city": "Par'

    def test_model_args_reach_every_request(self) -> None:
        framework = self.framework
        outcome = run_scenario(_scenario("model_args_reach_the_wire"), framework)
        assert len(outcome.requests) == 2
        for request in outcome.requests:
            limit = request.raw.get("max_tokens", request.raw.get("max_completion_tokens"))  # the SDK renames it
            assert (request.raw.get("temperature"), request.raw.get("seed"), limit) == (0.25, 7, 300)

    def test_a_timeout_is_retried(self) -> None:
        framework = self.framework
        outcome = run_scenario(_scenario("timeout_then_success"), framework)
        [chat] = outcome.trace.operation_spans(attr.OP_CHAT)
        assert [(event.name, event.attributes["reason"]) for event in chat.events] == [(attr.RETRY_EVENT, "timeout")]
        assert len(outcome.requests) == 2

    def test_tool_calls_of_one_turn_run_concurrently(self) -> None:
        framework = self.framework
        LOOKUP_WINDOWS.clear()
        run_scenario(_scenario("overlapping_async_tools"), framework)
        (_, start_a, end_a), (_, start_b, end_b) = sorted(LOOKUP_WINDOWS)
        assert start_a < end_b and start_b < end_a, f"{framework} ran the two calls one after the other"

    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
    def test_stream_events_match_reference(self, scenario: Scenario) -> None:
        """Streamed at the core's boundaries, a run shows the same events on every framework."""
        outcome = stream_scenario(scenario, self.framework)
        assert outcome.error is None, f"{self.framework} failed to stream {scenario.name}: {outcome.error}"
        expected = stream_scenario(scenario, "tiny")
        assert [event.kind for event in outcome.events[-1:]] == ["run_finished"]
        turns = _stream_turns(outcome.events)
        assert turns == _stream_turns(expected.events)
        finished = outcome.events[-1]
        assert isinstance(finished, RunFinished)
        # A streamed run is traced as an unstreamed one (the same steps, conversation and usage), its
        # chat spans with the time to first token on top.
        assert finished.trace.normalized() == expected_steps(self.framework, scenario, reference(scenario).trace)
        chats = finished.trace.operation_spans(attr.OP_CHAT)
        assert chats and all(attr.TIME_TO_FIRST_TOKEN in chat.attributes for chat in chats)
        if isinstance(finished.trace.final_output, str):
            assert turns[-1][0] == finished.trace.final_output  # the final turn's deltas are the answer
        else:
            assert all(text == "" for text, _, _ in turns)  # a structured answer is not streamed as text

    def test_stream_cut_by_the_server_ends_with_run_failed(self) -> None:
        outcome = stream_scenario(_scenario("plain_answer"), self.framework, faults=[(Fault.truncated_stream(), 10)])
        assert isinstance(outcome.error, AgentRunError), f"{self.framework}: {outcome.error!r} (a hang?)"
        assert [event.kind for event in outcome.events][-1] == "run_failed"
        assert outcome.events[-1].error is outcome.error  # type: ignore[union-attr]
        assert isinstance(outcome.error.cause, ModelStreamError)

    def test_leaving_a_stream_starts_no_tool(self) -> None:
        """A reader that stops cancels the run: the tool the model asked for never starts."""
        started: list[str] = []

        def book_flight(city: str) -> str:
            """Book a flight.

            Args:
                city: Where to.
            """
            started.append(city)
            return "booked"

        with ScriptedLLM(plan([[("book_flight", {"city": "Rome"})]])) as llm:
            config = AgentConfig(
                name="conformance",
                framework=self.framework,
                model_id=llm.model_id,
                api_base=llm.base_url,
                tools=[book_flight],
            )
            for event in Agent.create(config).stream("Book me a flight to Rome"):
                if event.kind == "model_response":
                    break
            assert len(llm.requests) == 1
        assert started == []

    @pytest.mark.parametrize("how", ["break", "cancel"])
    def test_leaving_a_stream_closes_the_provider_connection(self, how: str) -> None:
        """A reader that stops mid-answer closes the model's connection, and the tool it asked for never starts.

        The server sends the first piece of text, then waits 30 s before each further chunk: only
        the client closing the connection ends the stream before that, and the server sees it.
        """
        started: list[str] = []

        def book_flight(city: str) -> str:
            """Book a flight.

            Args:
                city: Where to.
            """
            started.append(city)
            return "booked"

        answer = Reply(
            content="Let me book that flight to Rome for you right away.",
            tool_calls=[ScriptedToolCall("book_flight", {"city": "Rome"})],
        )
        with ScriptedLLM(lambda request: answer) as llm:
            llm.inject(Fault.slow_stream(30))
            config = AgentConfig(
                name="conformance",
                framework=self.framework,
                model_id=llm.model_id,
                api_base=llm.base_url,
                tools=[book_flight],
            )
            stop_reading_at_first_text(Agent.create(config), "Book me a flight to Rome", how)  # type: ignore[arg-type]
            [stream] = llm.wait_for_streams(timeout=10)
            assert stream.closed_by_client, f"{self.framework}: the provider stream ended {stream.end!r}"
            assert stream.sent < stream.chunks
            assert len(llm.requests) == 1  # no retry of a cancelled call
        assert started == []

    def test_history_with_tool_calls_is_sent_verbatim(self) -> None:
        framework = self.framework
        scenario = _scenario("history_with_tool_calls")
        outcome = run_scenario(scenario, framework)
        sent = [m for m in outcome.requests[0].messages if m.get("role") != "system"]
        assert sent == scenario.prompt

    def test_history_system_message_is_sent_as_tiny_sends_it(self) -> None:
        """A system message of the input history reaches the model as a system message, in its place.

        The agent's own instructions are worded by each framework, so only they are left out.
        """
        scenario = _scenario("history_with_system_message")
        history = scenario.prompt

        def sent(outcome: Outcome) -> list[dict[str, object]]:
            own_instructions = {"system", "developer"}
            return [m for m in outcome.requests[0].messages if m.get("role") not in own_instructions or m in history]

        outcome = run_scenario(scenario, self.framework)
        assert sent(outcome) == history
        assert sent(outcome) == sent(reference(scenario))

    def test_unknown_agent_args_fail_at_create(self) -> None:
        """A key no framework takes fails when the agent is created, naming the field, not in a run."""
        config = AgentConfig(
            name="conformance",
            framework=self.framework,
            model_id="openai:scripted",
            api_base="http://127.0.0.1:9/v1",
            agent_args={"no_such_agent_arg": 1},
        )
        with pytest.raises(ConfigError) as caught:
            Agent.create(config)
        assert caught.value.field == "agent_args"


def _step_names(steps: list[dict[str, Any]]) -> tuple[Any, ...]:
    return tuple(step["name"] for step in steps)


def _stream_turns(events: list[RunEvent]) -> list[tuple[str, tuple[Any, ...], frozenset[tuple[Any, ...]]]]:
    """A streamed run as comparable turns: the text, the model's answer, then the turn's tool events.

    Call ids differ from run to run, and a turn's tool calls may run concurrently, so its tool events
    are compared as a set (each result paired with its call).
    """
    turns: list[tuple[str, tuple[Any, ...], frozenset[tuple[Any, ...]]]] = []
    text: list[str] = []
    answer: tuple[Any, ...] = ()
    calls: dict[str, tuple[str, str]] = {}
    tools: set[tuple[Any, ...]] = set()
    for event in events:
        if isinstance(event, TextDeltaEvent | ModelResponseEvent) and answer:
            turns.append(("".join(text), answer, frozenset(tools)))
            text, answer, calls, tools = [], (), {}, set()
        if isinstance(event, TextDeltaEvent):
            text.append(event.text)
        elif isinstance(event, ModelResponseEvent):
            answer = (event.finish_reason, event.tool_calls, event.usage.input_tokens)
        elif isinstance(event, ToolCallEvent):
            calls[event.call_id] = (event.name, event.arguments)
            tools.add(("tool_call", event.name, event.arguments))
        elif isinstance(event, ToolResultEvent):
            assert event.call_id in calls, f"tool_result before its tool_call: {event}"
            tools.add(("tool_result", *calls[event.call_id], event.result, event.is_error))
    if answer:
        turns.append(("".join(text), answer, frozenset(tools)))
    return turns


def _sent(requests: list[ChatRequest]) -> list[dict[str, object]]:
    """What each request told the model, as comparable data: ids and the system prompt left out.

    Frameworks word their own system prompt (CrewAI renders role, goal and backstory); everything else
    the model is sent must be the same.
    """

    def message(item: dict[str, object]) -> dict[str, object]:
        kept = {key: value for key, value in item.items() if key not in {"tool_call_id"}}
        calls = kept.get("tool_calls")
        if isinstance(calls, list):
            kept["tool_calls"] = [
                {"name": c["function"]["name"], "arguments": c["function"]["arguments"]} for c in calls
            ]
        return kept

    sampling = ("temperature", "top_p", "max_tokens", "max_completion_tokens", "seed")
    return [
        {
            "messages": [message(m) for m in request.messages if m.get("role") not in {"system", "developer"}],
            "tools": request.tools,
            "response_format": request.response_format,
            "sampling": {key: request.raw[key] for key in sampling if key in request.raw},
        }
        for request in requests
    ]


def _scenario(name: str) -> Scenario:
    return next(s for s in SCENARIOS + FAILING if s.name == name)
