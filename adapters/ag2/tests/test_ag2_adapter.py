"""The AG2-specific parts of the adapter, against the real ag2 package and the scripted model server."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, cast

import ag2
import pytest
from ag2 import Context
from ag2.config import ModelProvider
from ag2.events import BaseEvent, HumanInputRequest, ModelRequest, ModelResponse, ToolCallEvent
from ag2.middleware import BaseMiddleware, LLMCall, Middleware, ToolExecution, ToolResultType
from pydantic import BaseModel

from any_agent import Agent, AgentConfig, AgentRunError, ConfigError, MaxTurnsExceeded
from any_agent.model.client import TurnLimitReached
from any_agent.testing import Reply, ScriptedLLM, echo, plan
from any_agent.tools.ledger import CATCH_ALL
from any_agent.tracing import attributes as attr
from any_agent_ag2 import AG2Adapter
from any_agent_ag2.model_bridge import ModelBridge, TurnLimit
from any_agent_ag2.tool_bridge import ToolBridge


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny"


class Report(BaseModel):
    """A weather report."""

    city: str
    summary: str


def _config(llm: ScriptedLLM, **fields: Any) -> AgentConfig:
    return AgentConfig(model_id=llm.model_id, api_base=llm.base_url, **{"framework": "ag2", **fields})


class Recorder(BaseMiddleware):
    """An AG2 middleware that logs what it wraps, to show agent_args middleware is in the loop."""

    def __init__(self, event: BaseEvent, context: Context, *, log: list[str]) -> None:
        super().__init__(event, context)
        self.log = log

    async def on_llm_call(self, call_next: LLMCall, events: Sequence[BaseEvent], context: Context) -> ModelResponse:
        self.log.append("llm")
        return await call_next(events, context)

    async def on_tool_execution(
        self, call_next: ToolExecution, event: ToolCallEvent, context: Context
    ) -> ToolResultType:
        self.log.append(f"tool {event.name} {event.arguments}")
        return await call_next(event, context)


class AskFirst(BaseMiddleware):
    """Asks a human before every tool call, the way AG2's approval middleware does."""

    async def on_tool_execution(
        self, call_next: ToolExecution, event: ToolCallEvent, context: Context
    ) -> ToolResultType:
        answer = await context.input(f"May I call {event.name}?")
        if answer != "yes":
            raise PermissionError("not approved")
        return await call_next(event, context)


def test_native_is_the_ag2_agent_built_from_the_config() -> None:
    config = AgentConfig(
        framework="ag2",
        model_id="openai:gpt-test",
        api_base="http://127.0.0.1:9/v1",
        name="weather",
        description="Reports the weather.",
        instructions="Be brief.",
        tools=[get_weather],
        output_type=Report,
        max_turns=3,
    )
    agent = Agent.create(config)
    native = agent.native
    assert isinstance(agent.adapter, AG2Adapter)
    assert isinstance(native, ag2.Agent)
    assert native.name == "weather"
    assert native.system_prompt == ("Be brief.",)
    assert isinstance(native.config, ModelBridge)
    assert native.config.client is agent.adapter.model
    assert (native.config.provider, native.config.model) == (ModelProvider.OPENAI, "gpt-test")
    [tool, catch_all] = list[object](native.tools)  # AG2 types them as its FunctionTool; any Tool is accepted
    assert isinstance(tool, ToolBridge) and tool.spec is agent.adapter.tools[0]
    assert isinstance(catch_all, ToolBridge) and catch_all.name == CATCH_ALL
    [schema] = asyncio.run(tool.schemas(cast(Context, None)))  # the schema needs no context
    assert schema.function.name == "get_weather"
    assert schema.function.parameters == agent.adapter.tools[0].parameters  # the core's schema, title and all
    assert getattr(native.response_schema, "types", None) is Report
    [limit] = native.middleware
    assert limit.middleware.cls is TurnLimit and limit.middleware.options == {"max_turns": 3}


def test_a_provider_ag2_does_not_know_is_unknown_to_ag2_not_an_error() -> None:
    agent = Agent.create(AgentConfig(framework="ag2", model_id="llamafile:local", api_base="http://127.0.0.1:9/v1"))
    with pytest.raises(NotImplementedError):
        _ = agent.native.config.provider
    assert agent.native.config.model == "local"


def test_a_run_stays_on_loopback_and_every_model_call_is_a_core_call(network_attempts: list[str]) -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(_config(llm, tools=[get_weather])).run("Weather in Paris?")
        requests = len(llm.requests)
    assert trace.final_output == "Sunny."
    assert network_attempts == []  # the guard refused nothing: every connection was to loopback
    assert requests == len(trace.operation_spans(attr.OP_CHAT)) == 2  # AG2 made no call of its own
    assert "OTEL_SDK_DISABLED" not in os.environ


def test_the_users_opentelemetry_gets_core_spans_only_and_ag2_telemetry_can_be_turned_on() -> None:
    code = textwrap.dedent(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from ag2.middleware import TelemetryMiddleware
        from any_agent import Agent, AgentConfig
        from any_agent.testing import ScriptedLLM, plan

        def get_weather(city: str) -> str:
            '''Get the weather.

            Args:
                city: The city.
            '''
            return "sunny"

        def exporting():
            exporter = InMemorySpanExporter()
            provider = TracerProvider()
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            return provider, exporter

        users, exported = exporting()
        trace.set_tracer_provider(users)
        ag2s, ag2_exported = exporting()
        with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
            config = AgentConfig(framework="ag2", model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather])
            default = Agent.create(config).run("Weather?")
            print("DEFAULT", sorted({s.name for s in exported.get_finished_spans()}))
            print("SCOPES", sorted({s.instrumentation_scope.name for s in exported.get_finished_spans()}))
            exported.clear()
            turned_on = config.model_copy(
                update={"agent_args": {"middleware": [TelemetryMiddleware(tracer_provider=ag2s, agent_name="x")]}}
            )
            result = Agent.create(turned_on).run("Weather?")
            print("USER", sorted({s.name for s in exported.get_finished_spans()}))
            print("AG2", sorted({s.name for s in ag2_exported.get_finished_spans()}))
            print("TRACE", sorted({s.name for s in result.spans}))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    core = "['chat scripted', 'execute_tool get_weather', 'invoke_agent any_agent']"
    assert lines["DEFAULT"] == core
    assert lines["SCOPES"] == "['any_agent']"
    assert lines["USER"] == core and lines["TRACE"] == core  # AG2's own spans stay off the run's trace
    assert lines["AG2"] == "['chat scripted', 'execute_tool get_weather', 'invoke_agent x', 'record_usage model_call']"


def test_agent_args_reach_ag2_and_its_middleware_wraps_core_calls() -> None:
    log: list[str] = []
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        agent = Agent.create(
            _config(
                llm,
                tools=[get_weather],
                agent_args={"middleware": [Middleware(Recorder, log=log)], "variables": {"unit": "celsius"}},
            )
        )
        trace = agent.run("Weather in Paris?")
    assert trace.final_output == "Sunny."
    assert log == ["llm", 'tool get_weather {"city": "Paris"}', "llm"]
    assert dict(agent.native.variables) == {"unit": "celsius"}
    assert [entry.middleware.cls for entry in agent.native.middleware] == [Recorder, TurnLimit]


@pytest.mark.parametrize(
    ("agent_args", "message"),
    [
        ({"config": object()}, "'config' is set by any-agent for ag2.Agent: use AgentConfig.model_id"),
        ({"max_rounds": 3}, "ag2.Agent takes no 'max_rounds'; it takes"),
    ],
)
def test_agent_args_that_ag2_cannot_take_are_config_errors(agent_args: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        Agent.create(
            AgentConfig(framework="ag2", model_id="openai:m", api_base="http://127.0.0.1:9", agent_args=agent_args)
        )
    assert info.value.field == "agent_args"
    if "max_rounds" in agent_args:
        assert "middleware" in str(info.value) and "config" not in str(info.value)


def test_agent_args_win_over_translated_fields() -> None:
    def today(request: ModelRequest) -> str:
        return "Today is Monday."

    with ScriptedLLM(echo()) as llm:
        config = _config(llm, name="a", instructions="Be brief.", agent_args={"name": "b", "prompt": ["Hi.", today]})
        agent = Agent.create(config)
        agent.run("What day is it?")
        [request] = llm.requests
    assert agent.native.name == "b"
    assert request.system_prompt == "Hi.\nToday is Monday."


def test_history_reaches_ag2_as_prior_turns() -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
    history: list[dict[str, Any]] = [
        {"role": "system", "content": "Answer in French."},
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "Paris: sunny"},
        {"role": "assistant", "content": "Il fait beau."},
        {"role": "user", "content": "And Berlin?"},
    ]
    with ScriptedLLM(echo()) as llm:
        trace = Agent.create(_config(llm, instructions="Be brief.", tools=[get_weather])).run(history)
        [request] = llm.requests
    assert trace.final_output == "You said: And Berlin?"
    sent = [
        (
            m["role"],
            m.get("content"),
            [c["function"]["arguments"] for c in m.get("tool_calls") or []],
            m.get("tool_call_id"),
        )
        for m in request.messages
    ]
    assert sent == [
        ("system", "Be brief.", [], None),
        ("system", "Answer in French.", [], None),  # the history's system message, in its place as on tiny
        ("user", "Weather in Paris?", [], None),
        ("assistant", None, ['{"city": "Paris"}'], None),
        ("tool", "Paris: sunny", [], "call_1"),
        ("assistant", "Il fait beau.", [], None),
        ("user", "And Berlin?", [], None),
    ]


def test_max_turns_is_enforced_by_ag2_itself_when_driven_natively() -> None:
    async def main() -> None:
        with ScriptedLLM(plan([[("get_weather", {"city": city})] for city in ("A", "B", "C", "D")])) as llm:
            native = Agent.create(_config(llm, tools=[get_weather], max_turns=2)).native
            with pytest.raises(TurnLimitReached, match="max_turns=2"):
                await native.ask("Weather everywhere?")
            assert len(llm.requests) == 2

    asyncio.run(main())


def test_max_turns_through_any_agent_is_max_turns_exceeded() -> None:
    script = plan([[("get_weather", {"city": city})] for city in ("A", "B", "C")])
    with ScriptedLLM(script) as llm, pytest.raises(MaxTurnsExceeded) as info:
        Agent.create(_config(llm, tools=[get_weather], max_turns=1)).run("Weather?")
    assert [step["name"] for step in info.value.trace.normalized()] == [
        "invoke_agent any_agent",
        "chat scripted",
        "execute_tool get_weather",
    ]


def test_usage_is_reported_in_ag2s_own_usage_report() -> None:
    async def main() -> None:
        with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
            reply = await Agent.create(_config(llm, tools=[get_weather])).native.ask("Weather?")
        usage = await reply.usage()
        assert reply.body == "Sunny."
        assert (usage.total.prompt_tokens, usage.total.completion_tokens, usage.total.total_tokens) == (20, 10, 30)
        assert list(usage.by_provider) == ["openai"]

    asyncio.run(main())


def test_structured_output_comes_back_as_the_output_type() -> None:
    with ScriptedLLM(plan([{"city": "Paris", "summary": "sunny"}])) as llm:
        trace = Agent.create(_config(llm, output_type=Report)).run("Report on Paris.")
        assert llm.requests[0].response_format is not None
    assert trace.final_output == Report(city="Paris", summary="sunny")


def test_an_answer_that_does_not_fit_the_output_type_is_the_cores_error() -> None:
    script = plan([Reply(content="not json at all")])
    with ScriptedLLM(script) as llm, pytest.raises(AgentRunError, match="does not fit output_type Report"):
        Agent.create(_config(llm, output_type=Report)).run("Report on Paris.")


def test_human_input_without_a_hook_says_to_pass_one_and_a_hook_in_agent_args_answers() -> None:
    def approve(request: HumanInputRequest) -> str:
        return "yes"

    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        asking = _config(llm, tools=[get_weather], agent_args={"middleware": [Middleware(AskFirst)]})
        with pytest.raises(AgentRunError, match=r"asked for human input.*agent_args=\{'hitl_hook'"):
            Agent.create(asking).run("Weather?")
        answered = asking.model_copy(update={"agent_args": {**asking.agent_args, "hitl_hook": approve}})
        assert Agent.create(answered).run("Weather?").final_output == "Sunny."


def test_input_with_only_system_messages_is_refused_with_a_reason() -> None:
    with ScriptedLLM(echo()) as llm:
        with pytest.raises(AgentRunError, match="needs a user message"):
            Agent.create(_config(llm)).run([{"role": "system", "content": "Be brief."}])
        assert llm.requests == []


def test_a_provider_side_builtin_tool_is_refused_before_any_model_call() -> None:
    from ag2.tools import WebSearchTool

    with ScriptedLLM(echo()) as llm:
        agent = Agent.create(_config(llm, agent_args={"tools": [WebSearchTool()]}))
        with pytest.raises(AgentRunError, match=r"Unsupported tool type `web_search`.*function tools only"):
            agent.run("Search the web.")
        assert llm.requests == []
