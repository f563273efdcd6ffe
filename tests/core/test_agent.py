from __future__ import annotations

import asyncio
import json
import pathlib
import subprocess
import sys
import textwrap

import pytest

from any_agent import (
    AdapterNotFoundError,
    Agent,
    AgentConfig,
    AgentRunError,
    AgentTrace,
    ConfigError,
    ToolDefinitionError,
)
from any_agent.testing import Fault, ScriptedLLM, echo, plan
from any_agent.tracing import attributes as attr


def get_weather(city: str) -> str:
    """Get the weather.

    Args:
        city: The city.
    """
    return f"{city}: sunny"


def test_unknown_framework_lists_installed_and_install_command() -> None:
    with pytest.raises(AdapterNotFoundError) as info:
        Agent.create(AgentConfig(model_id="openai:x", api_base="http://127.0.0.1:9/v1", framework="no_such_framework"))
    message = str(info.value)
    assert message.startswith("framework: no adapter for framework 'no_such_framework'")
    assert "tiny" in message and "any_agent.adapters" in message


def test_known_but_missing_framework_gives_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    from any_agent import registry
    from any_agent.environments import ENVIRONMENT_VARIABLE

    registry.load_adapter.cache_clear()
    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    (tmp_path / "adapters").mkdir()
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path))  # a clone without adk's environment
    try:
        with pytest.raises(AdapterNotFoundError, match=r"uv sync --extra crewai in a clone"):
            registry.load_adapter("crewai")
        with pytest.raises(AdapterNotFoundError, match=r"uv sync --extra pydantic-ai in a clone"):
            registry.load_adapter("pydantic_ai")
        with pytest.raises(
            AdapterNotFoundError, match=r"uv sync --project adapters/adk in a clone .*its own environment"
        ):
            registry.load_adapter("adk")
    finally:
        registry.load_adapter.cache_clear()


def test_unknown_provider_and_missing_key_name_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as info:
        Agent.create(AgentConfig(model_id="nosuchprovider:model"))
    assert info.value.field == "model_id" and "anthropic" in str(info.value)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError) as info:
        Agent.create(AgentConfig(model_id="anthropic:claude-sonnet-4-5"))
    assert info.value.field == "api_key" and "ANTHROPIC_API_KEY" in str(info.value)


def test_tool_without_hints_fails_at_create_naming_the_entry() -> None:
    def bad(city):  # type: ignore[no-untyped-def]
        """No hints."""
        return city

    with pytest.raises(ToolDefinitionError, match=r"tools\[1\]: parameter 'city'"):
        Agent.create(AgentConfig(model_id="openai:x", api_base="http://127.0.0.1:9/v1", tools=[get_weather, bad]))


def test_api_key_never_reaches_trace_or_error() -> None:
    secret = "sk-test-DO-NOT-LEAK-42"
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.status(401, f"Incorrect API key provided: {secret}"), times=1)
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, api_key=secret))
        with pytest.raises(AgentRunError) as info:
            agent.run("hi")
        assert llm.requests, "the request reached the server"
    error = info.value
    assert secret not in str(error)
    assert "401" in str(error)
    assert secret not in error.trace.to_json()
    assert len(error.trace.operation_spans(attr.OP_CHAT)) == 1  # 401 is not retried


def test_trace_round_trips_and_normalizes() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Oslo"})]], final="Cold.")) as llm:
        agent = Agent.create(AgentConfig(name="w", model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather]))
        first = agent.run("Weather in Oslo?")
        second = agent.run("Weather in Oslo?")
    assert first.final_output == "Cold."
    again = AgentTrace.from_json(first.to_json())
    assert again.normalized() == first.normalized() == second.normalized()
    assert again.usage == first.usage
    assert [span.span_id for span in first.spans] != [span.span_id for span in second.spans]
    root = first.root
    assert root is not None
    assert root.attributes[attr.AGENT_NAME] == "w"
    assert root.attributes[attr.REQUEST_MODEL] == "scripted"
    assert root.attributes[attr.PROVIDER_NAME] == "openai"
    assert {span.parent_id for span in first.spans[1:]} == {root.span_id}
    chat = first.operation_spans(attr.OP_CHAT)[0]
    assert json.loads(chat.attributes[attr.INPUT_MESSAGES]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Oslo?"}]}
    ]
    assert chat.attributes[attr.RESPONSE_FINISH_REASONS] == ("tool_calls",)


def test_content_capture_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "false")
    with ScriptedLLM(plan([[("get_weather", {"city": "Oslo"})]])) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather]))
        trace = agent.run("secret prompt")
    assert "secret prompt" not in trace.to_json()
    assert "Oslo" not in json.dumps([span.attributes for span in trace.spans])
    assert trace.final_output == "Done: Oslo: sunny"


def test_message_list_input_and_bad_role() -> None:
    with ScriptedLLM(echo()) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url))
        trace = agent.run(
            [
                {"role": "user", "content": "one"},
                {"role": "assistant", "content": "ok"},
                {"role": "user", "content": "two"},
            ]
        )
        assert trace.final_output == "You said: two"
        assert [m["role"] for m in llm.requests[0].messages] == ["user", "assistant", "user"]
        with pytest.raises(ConfigError, match="role 'robot'"):
            agent.run([{"role": "robot", "content": "beep"}])


def test_timeout_is_retried_then_reported() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.slow(2.0), times=2)
        agent = Agent.create(
            AgentConfig(model_id=llm.model_id, api_base=llm.base_url, request_timeout=0.3, max_retries=1)
        )
        with pytest.raises(AgentRunError, match="timeout") as info:
            agent.run("hi")
    chat = info.value.trace.operation_spans(attr.OP_CHAT)[0]
    assert chat.status == "ERROR"
    assert [event.attributes["reason"] for event in chat.events] == ["timeout"]


def test_malformed_reply_fails_the_run_with_partial_trace() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.malformed(), times=5)
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, max_retries=0))
        with pytest.raises(AgentRunError) as info:
            agent.run("hi")
    assert info.value.trace.root is not None
    assert not info.value.trace.succeeded


def test_sync_run_works_inside_a_running_event_loop() -> None:
    async def main() -> str:
        with ScriptedLLM(echo()) as llm:
            agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url))
            return str(agent.run("from async code").final_output)

    assert asyncio.run(main()) == "You said: from async code"


def test_spans_also_reach_the_users_tracer_provider() -> None:
    """A user's SDK provider gets our spans, and stays the global provider (run in a fresh process)."""
    code = textwrap.dedent(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        from any_agent import Agent, AgentConfig
        from any_agent.testing import ScriptedLLM, echo
        with ScriptedLLM(echo()) as llm:
            with trace.get_tracer("user").start_as_current_span("user work"):
                result = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url)).run("hi")
        assert trace.get_tracer_provider() is provider
        names = sorted(span.name for span in exporter.get_finished_spans())
        print(names, [span.name for span in result.spans])
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (
        "['chat scripted', 'invoke_agent any_agent', 'user work'] ['invoke_agent any_agent', 'chat scripted']"
        in done.stdout
    )
