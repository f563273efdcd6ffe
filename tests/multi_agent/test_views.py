"""``trace show`` and the HTML report show an inner agent's run nested under the tool call."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from any_agent import Agent, AgentConfig
from any_agent.cli.app import app
from any_agent.cli.compare import AgentInfo, Comparison, run_matrix
from any_agent.cli.report.html import report_data
from any_agent.testing import ScriptedLLM
from tests.multi_agent.scripts import writer_and_researcher


def _writer(llm: ScriptedLLM, inner: str = "tiny") -> AgentConfig:
    endpoint = {"model_id": llm.model_id, "api_base": llm.base_url, "api_key": "test-key"}
    researcher = AgentConfig(**endpoint, name="researcher", framework=inner)
    return AgentConfig(**endpoint, name="writer", tools=[researcher])


def test_trace_show_nests_the_inner_agent_and_totals_each_agent(tmp_path: Path) -> None:
    with ScriptedLLM(writer_and_researcher) as llm:
        trace = Agent.create(_writer(llm, inner="langgraph")).run("Write.")
    trace.save(tmp_path / "trace.json")
    result = CliRunner().invoke(app, ["trace", "show", str(tmp_path / "trace.json")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    tool = next(index for index, line in enumerate(lines) if "execute_tool researcher" in line)
    inner = next(index for index, line in enumerate(lines) if "invoke_agent researcher [langgraph]" in line)
    indent = lambda line: len(line) - len(line.lstrip("│├└─ "))  # noqa: E731
    assert inner > tool and indent(lines[inner]) > indent(lines[tool])
    assert "3 turns · 1 tool call · 30 in / 15 out tokens" in result.stdout
    assert "  writer [tiny]: 2 model calls · 20 in / 10 out tokens" in result.stdout
    assert "    researcher [langgraph]: 1 model call · 10 in / 5 out tokens" in result.stdout


def test_the_report_timeline_indents_the_inner_agents_spans() -> None:
    with ScriptedLLM(writer_and_researcher) as llm:
        cells = asyncio.run(run_matrix(_writer(llm), "Write.", frameworks=["tiny", "crewai"]))
    comparison = Comparison(
        agent=AgentInfo(name="writer", prompt="Write."),
        frameworks=["tiny", "crewai"],
        models=[cells[0].model],
        repeat=1,
        cells=cells,
    )
    data = report_data(comparison)
    for cell, rows in zip(comparison.cells, data["timeline"]["rows"], strict=True):
        trace = cell.runs[0].trace
        assert trace is not None
        depths = sorted((row["depth"], trace.spans[row["span"]].name) for row in rows[0])
        assert depths == [
            (0, "invoke_agent writer"),
            (1, "chat scripted"),
            (1, "chat scripted"),
            (1, "execute_tool researcher"),
            (2, "invoke_agent researcher"),
            (3, "chat scripted"),  # the researcher's model call
        ]
