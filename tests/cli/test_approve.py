"""``any-agent run --approve``: each tool call waits for a y/n, a denied one is told to the model."""

from __future__ import annotations

from pathlib import Path

from any_agent import AgentTrace
from any_agent.tracing import attributes as attr
from tests.cli.conftest import EXAMPLES, Invoke


def test_approve_asks_before_each_tool_call_and_denies_on_no(invoke: Invoke, tmp_path: Path) -> None:
    trace_file = tmp_path / "trace.json"
    result = invoke("run", EXAMPLES / "weather" / "agent.yaml", "--approve", "-o", trace_file, input="y\nn\n")
    assert result.exit_code == 0, result.output
    questions = [line for line in result.stderr.splitlines() if line.startswith("The agent wants to call")]
    assert questions == [
        'The agent wants to call get_forecast({"city": "Lisbon", "date": "2025-06-14"})',
        'The agent wants to call suggest_activities({"city": "Lisbon", "conditions": "sunny"})',
    ]
    assert result.stderr.count("Allow? [y/N]") == 2
    first, second = AgentTrace.load(trace_file).operation_spans(attr.OP_EXECUTE_TOOL)
    assert first.status != "ERROR"
    assert (second.status, second.attributes[attr.ERROR_TYPE]) == ("ERROR", "ToolCallDenied")
    assert "denied: the user did not approve it" in str(second.attributes[attr.TOOL_CALL_RESULT])


def test_without_an_answer_every_call_is_denied(invoke: Invoke, tmp_path: Path) -> None:
    trace_file = tmp_path / "trace.json"
    result = invoke("run", EXAMPLES / "weather" / "agent.yaml", "--approve", "-o", trace_file, input="")
    assert result.exit_code == 0, result.output
    spans = AgentTrace.load(trace_file).operation_spans(attr.OP_EXECUTE_TOOL)
    assert [span.attributes[attr.ERROR_TYPE] for span in spans] == ["ToolCallDenied", "ToolCallDenied"]


def test_approve_is_in_the_help(invoke: Invoke) -> None:
    result = invoke("run", "--help")
    assert "--approve" in result.output and "Ask before every tool call" in " ".join(result.output.split())
