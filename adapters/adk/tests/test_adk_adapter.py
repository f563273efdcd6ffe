"""The ADK adapter's own behaviour; the shared scenarios are the conformance kit (test_conformance.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest
from google.adk.agents.run_config import RunConfig
from google.adk.runners import InMemoryRunner
from google.adk.tools import FunctionTool
from google.genai import types

from any_agent import Agent, AgentConfig, ConfigError
from any_agent.testing import ScriptedLLM, plan
from any_agent_adk import ADKAdapter, ModelBridge


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 21°C"


def config(llm: ScriptedLLM, **fields: Any) -> AgentConfig:
    defaults: dict[str, Any] = {"framework": "adk", "tools": [get_weather]}
    defaults |= {"name": "weather", "instructions": "Answer about the weather."}
    return AgentConfig(model_id=llm.model_id, api_base=llm.base_url, **{**defaults, **fields})


def step_names(trace: Any) -> list[str]:
    return [step["name"] for step in trace.normalized()]


# --- console and telemetry -------------------------------------------------------------------


def test_adk_prints_nothing_and_nothing_leaves_the_machine(
    network_attempts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(config(llm)).run("Weather in Paris?")
    assert trace.final_output == "Sunny."
    assert capsys.readouterr() == ("", "")
    assert network_attempts == []
    assert step_names(trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather", "chat scripted"]


_SPANS = """
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
from any_agent import Agent, AgentConfig
from any_agent.testing import ScriptedLLM, plan
def get_weather(city: str) -> str:
    '''Get the weather.

    Args:
        city: The city.
    '''
    return city + ": sunny"
with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
    config = AgentConfig(framework="adk", name="weather", model_id=llm.model_id, api_base=llm.base_url,
                         tools=[get_weather], agent_args=AGENT_ARGS)
    Agent.create(config).run("Weather in Paris?")
spans = exporter.get_finished_spans()
print(sorted({span.instrumentation_scope.name for span in spans}))
print(len({span.context.trace_id for span in spans}))
"""


def _spans_in_a_fresh_process(agent_args: dict[str, Any]) -> list[str]:
    code = textwrap.dedent(_SPANS).replace("AGENT_ARGS", repr(agent_args))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_adk_spans_stay_out_of_the_users_provider_and_the_core_spans_keep_one_trace() -> None:
    scopes, traces = _spans_in_a_fresh_process({})
    assert "gcp.vertex.agent" not in scopes and scopes  # only any-agent's own spans
    assert traces == "1"  # the core's tool span, started inside ADK's, kept its parent


def test_adk_spans_can_be_turned_back_on() -> None:
    scopes, traces = _spans_in_a_fresh_process({"telemetry": True})
    assert "gcp.vertex.agent" in scopes
    assert traces == "1"


# --- agent_args ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent_args", "message"),
    [
        ({"instruction": "x"}, "AgentConfig.instructions"),
        ({"output_schema": dict}, "AgentConfig.output_type"),
        ({"sub_agents": []}, "AgentConfig.tools"),
        ({"generate_content_cnfig": {}}, "generate_content_config"),
        ({"telemetry": "yes"}, "telemetry must be True or False"),
        ({"tools": [get_weather]}, "'tools' takes ADK tools"),
    ],
)
def test_bad_agent_args_fail_at_create(agent_args: dict[str, Any], message: str) -> None:
    with ScriptedLLM(plan(["-"])) as llm, pytest.raises(ConfigError, match="agent_args") as raised:
        Agent.create(config(llm, agent_args=agent_args))
    assert message in str(raised.value)


def test_generate_content_config_reaches_the_wire_and_model_args_win() -> None:
    sampling = types.GenerateContentConfig(temperature=0.1, max_output_tokens=64, seed=7)
    with ScriptedLLM(plan(["Fine."])) as llm:
        Agent.create(
            config(llm, agent_args={"generate_content_config": sampling}, model_args={"temperature": 0.5})
        ).run("Hi")
    body = llm.requests[-1].raw
    assert (body["temperature"], body["max_completion_tokens"], body["seed"]) == (0.5, 64, 7)


def test_an_adk_tool_in_agent_args_runs_next_to_the_core_tools() -> None:
    def get_time(city: str) -> str:
        """Get the local time in a city.

        Args:
            city: The city.
        """
        return f"{city}: 12:00"

    with ScriptedLLM(plan([[("get_time", {"city": "Paris"})]], final="Noon.")) as llm:
        trace = Agent.create(config(llm, agent_args={"tools": [FunctionTool(get_time)]})).run("Time in Paris?")
    assert trace.final_output == "Noon."
    assert [tool["function"]["name"] for tool in llm.requests[0].tools] == ["get_weather", "get_time"]
    assert llm.requests[-1].messages[-1] == {
        "role": "tool",
        "tool_call_id": llm.requests[-1].messages[-2]["tool_calls"][0]["id"],
        "content": "Paris: 12:00",
    }


def test_names_adk_refuses_are_made_identifiers_and_instructions_are_not_templates() -> None:
    with ScriptedLLM(plan(["Fine."])) as llm:
        agent = Agent.create(config(llm, name="weather agent", instructions="Reply as {format}."))
        trace = agent.run("Hi")
    assert agent.native.name == "weather_agent"
    assert step_names(trace)[0] == "invoke_agent weather agent"
    assert llm.requests[-1].messages[0] == {"role": "system", "content": "Reply as {format}."}


# --- native ----------------------------------------------------------------------------------


async def test_native_runs_on_adks_own_runner_through_the_core() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        agent = Agent.create(config(llm))
        native = agent.native
        assert isinstance(native.model, ModelBridge)
        runner = InMemoryRunner(agent=native, app_name="native")
        session = await runner.session_service.create_session(app_name="native", user_id="u")
        message = types.Content(role="user", parts=[types.Part(text="Weather in Paris?")])
        texts = [
            part.text
            async for event in runner.run_async(
                user_id="u", session_id=session.id, new_message=message, run_config=RunConfig(max_llm_calls=5)
            )
            if event.content is not None and event.is_final_response()
            for part in event.content.parts or []
            if part.text
        ]
        await runner.close()
    assert texts == ["Sunny."]
    assert len(llm.requests) == 2
    assert llm.requests[-1].messages[-1]["content"] == "Paris: sunny, 21°C"


def test_the_adapter_is_found_by_its_entry_point() -> None:
    from any_agent.registry import load_adapter

    assert load_adapter("adk") is ADKAdapter


def test_a_gemini_named_model_with_structured_output_prints_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    from pydantic import BaseModel

    class Report(BaseModel):
        city: str

    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})], {"city": "Paris"}])) as llm:
        fields = {"model_id": "openai:gemini-2.5-flash", "output_type": Report}
        trace = Agent.create(config(llm).model_copy(update=fields)).run("Weather in Paris?")
    assert trace.final_output == Report(city="Paris")
    assert capsys.readouterr() == ("", "")
