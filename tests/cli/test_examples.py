"""The examples: each runs offline from the command line, and its tools are real code."""

from __future__ import annotations

import json
import sys

import pytest

from any_agent import AgentConfig
from any_agent.cli.agent_file import load_agent_file
from any_agent.testing import ScriptedLLM, plan_from_json
from tests.cli.conftest import EXAMPLES, Invoke

for folder in ("weather", "extractor", "research"):
    sys.path.insert(0, str(EXAMPLES / folder))

import invoice_tools  # noqa: E402
import research_tools  # noqa: E402
import weather_tools  # noqa: E402


@pytest.mark.parametrize(
    ("example", "expected_start", "tool_calls"),
    [
        ("weather", "Lisbon on 14 June looks sunny", 2),
        ("extractor", "{", 2),
        ("research", "About 1.4 tonnes of CO2 a year.", 6),
    ],
)
def test_each_example_runs_offline(invoke: Invoke, example: str, expected_start: str, tool_calls: int) -> None:
    result = invoke("run", EXAMPLES / example / "agent.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(expected_start)
    assert f"{tool_calls} tool calls" in result.stderr
    assert "✗" not in result.stderr  # no tool call failed


def test_the_extractor_answers_an_invoice() -> None:
    config = AgentConfig.from_file(EXAMPLES / "extractor" / "agent.yaml")
    assert config.output_type is invoice_tools.Invoice
    plan = load_agent_file(EXAMPLES / "extractor" / "agent.yaml").offline_plan
    assert plan is not None
    invoice = invoice_tools.Invoice.model_validate(plan["steps"][-1])
    assert invoice.total == sum(item.amount for item in invoice.line_items)


def test_example_files_are_plain_agent_configs() -> None:
    for example in ("weather", "extractor", "research"):
        config = AgentConfig.from_file(EXAMPLES / example / "agent.yaml")
        assert config.model_id == "openai:gpt-4.1-mini" and config.tools and config.instructions
        agent_file = load_agent_file(EXAMPLES / example / "agent.yaml")
        assert agent_file.prompt and agent_file.offline_plan is not None
        tool_names = {getattr(tool, "__name__", None) for tool in config.tools}
        for step in agent_file.offline_plan["steps"]:
            if isinstance(step, list):
                assert {call["tool"] for call in step} <= tool_names  # the plan only calls real tools


def test_weather_tools_are_deterministic_and_check_their_input() -> None:
    forecast = weather_tools.get_forecast("lisbon", "2025-06-14")
    assert forecast == weather_tools.get_forecast("Lisbon ", "2025-06-14")
    assert forecast["conditions"] == "sunny" and forecast["high_c"] == 28 and forecast["low_c"] == 18
    winter = weather_tools.get_forecast("Oslo", "2025-01-10")
    high = winter["high_c"]
    assert isinstance(high, int) and -3 <= high <= 1  # January highs in Oslo: -1 °C, within ±2 a day
    with pytest.raises(ValueError, match="known cities: Lisbon, Oslo, Paris, Tokyo"):
        weather_tools.get_forecast("Atlantis", "2025-06-14")
    assert weather_tools.suggest_activities("Paris", "rainy") == weather_tools.ACTIVITIES["paris"]["indoor"]
    assert len(weather_tools.suggest_activities("Tokyo", "cloudy")) == 3


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("14 March 2025", "2025-03-14"),
        ("March 14th, 2025", "2025-03-14"),
        ("14/03/2025", "2025-03-14"),
        ("14.03.2025", "2025-03-14"),
        ("2025-03-14", "2025-03-14"),
        ("1 Feb 2024", "2024-02-01"),
    ],
)
def test_normalize_date_reads_common_forms(text: str, iso: str) -> None:
    assert invoice_tools.normalize_date(text) == iso


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("€1.234,50", 1234.5, "EUR"),
        ("$1,234.50", 1234.5, "USD"),
        ("1234.50 GBP", 1234.5, "GBP"),
        ("CHF 99", 99.0, "CHF"),
        ("42", 42.0, "unknown"),
    ],
)
def test_parse_amount_reads_both_notations(text: str, amount: float, currency: str) -> None:
    assert invoice_tools.parse_amount(text) == {"amount": amount, "currency": currency}


def test_parsers_reject_what_they_cannot_read() -> None:
    with pytest.raises(ValueError, match="cannot read"):
        invoice_tools.normalize_date("next Tuesday")
    with pytest.raises(ValueError, match="no amount"):
        invoice_tools.parse_amount("free")


def test_research_tools_search_read_and_calculate() -> None:
    hits = research_tools.search_notes("solar panels yield", limit=2)
    assert hits[0]["id"] == "solar-panels" and len(hits) <= 2
    assert research_tools.search_notes("zzz unrelated") == []
    assert research_tools.read_note("ev-efficiency").startswith("Electric car efficiency: ")
    with pytest.raises(KeyError):
        research_tools.read_note("nope")
    assert research_tools.calculate("(12000 * 0.2 - 12000 / 3 * 0.25) / 1000") == 1.4
    assert research_tools.calculate("2 ** 10 - -1") == 1025
    with pytest.raises(ValueError, match="only numbers"):
        research_tools.calculate("__import__('os').system('true')")


def test_extractor_output_is_json_on_stdout(invoke: Invoke) -> None:
    result = invoke("run", EXAMPLES / "extractor" / "agent.yaml")
    assert json.loads(result.stdout)["issue_date"] == "2025-03-14"


@pytest.mark.parametrize("example", ["weather", "extractor", "research"])
def test_each_example_runs_on_a_provider_with_model(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, example: str
) -> None:
    """``--model`` takes the provider path: any-llm's OpenAI provider, here pointed at a local server."""
    agent = EXAMPLES / example / "agent.yaml"
    offline = invoke("run", agent)
    script = load_agent_file(agent).offline_plan
    with ScriptedLLM(plan_from_json(script)) as llm:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        result = invoke("run", agent, "--model", llm.model_id)
        requests = llm.requests
    assert result.exit_code == 0, result.output
    assert "scripted offline model" not in result.stderr
    assert f"with {llm.model_id}" in result.stderr
    assert result.stdout == offline.stdout
    assert requests[0].system_prompt == AgentConfig.from_file(agent).instructions
    assert requests[0].tool_names == [getattr(tool, "__name__", None) for tool in AgentConfig.from_file(agent).tools]
