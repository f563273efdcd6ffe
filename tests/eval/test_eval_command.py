"""``any-agent eval`` on the shipped cases (examples/eval) and agent (examples/weather), offline."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from any_agent.cli.app import app

EXAMPLES = Path(__file__).parents[2] / "examples"
AGENT = EXAMPLES / "weather" / "agent.yaml"
CASES = EXAMPLES / "eval" / "cases.yaml"


def test_the_example_runs_offline_with_a_table_a_json_document_and_reasons(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = CliRunner().invoke(
        app,
        ["eval", str(AGENT), str(CASES), "-f", "tiny,langgraph", "--json", str(out)],
    )
    assert result.exit_code == 1, result.output  # the Oslo and judged cases fail offline, by design
    assert "Pass rate" in result.output and "1/3" in result.output
    assert "no judge model: pass --judge provider:model" in result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["schema_version"] == 1 and document["kind"] == "eval" and document["offline"] is True
    passed = {(run["case_id"], run["framework"]): run["passed"] for run in document["runs"]}
    assert passed == {
        (case, framework): case == "lisbon"
        for case in ("lisbon", "lisbon-judged", "oslo")
        for framework in ("tiny", "langgraph")
    }


def test_a_bad_cases_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "cases.yaml"
    bad.write_text("- input: x\n  checks: [{regex: '('}]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(AGENT), str(bad)])
    assert result.exit_code == 2 and "not a valid regular expression" in result.output


def test_the_html_evaluation_view_shows_the_matrix_and_each_runs_checks_and_trace(tmp_path: Path) -> None:
    from tests.cli.cdp import Browser, chromium_path

    binary = chromium_path()
    if binary is None:
        pytest.skip("no chromium")
    page = tmp_path / "eval.html"
    result = CliRunner().invoke(app, ["eval", str(AGENT), str(CASES), "-f", "tiny", "--html", str(page)])
    assert result.exit_code == 1, result.output
    with Browser(binary) as browser:
        browser.open(page)
        assert browser.errors() == []
        assert browser.requested_urls() == [page.resolve().as_uri()]  # nothing fetched
        matrix = browser.evaluate(
            "Array.from(document.querySelectorAll('#matrix tr')).map(r => Array.from(r.cells).map(c => c.textContent))"
        )
        assert matrix == [["Case", "tiny"], ["lisbon", "100%"], ["lisbon-judged", "0%"], ["oslo", "0%"]]
        details = browser.evaluate(
            """(() => {
              document.querySelector('#matrix td[data-case="oslo"]').click();
              const body = document.getElementById('details-body');
              return {
                checks: Array.from(body.querySelectorAll('li:not(.spans li)')).map(li => li.textContent)
                  .filter(t => t.startsWith('✓') || t.startsWith('✗')),
                spans: body.querySelectorAll('ol.spans > li').length,
              };
            })()"""
        )
    assert details["checks"][0].startswith("✗ tool_called: get_forecast never called with")
    assert details["checks"][1] == "✗ contains: does not contain 'Oslo'"
    assert details["spans"] >= 5  # invoke_agent, 3 chat, 2 execute_tool


def test_the_example_on_ray_decides_as_in_process_with_tools_next_to_the_agent_file(tmp_path: Path) -> None:
    if importlib.util.find_spec("ray") is None:  # not importorskip: the executor must import Ray itself first
        pytest.skip("needs the ray extra")
    outputs = {}
    for executor in ("inprocess", "ray"):
        out = tmp_path / f"{executor}.json"
        args = ["eval", str(AGENT), str(CASES), "-f", "tiny", "--json", str(out)]
        result = CliRunner().invoke(app, [*args, "--executor", executor])
        assert result.exit_code == 1, result.output
        document = json.loads(out.read_text(encoding="utf-8"))
        assert document["executor"] == executor
        outputs[executor] = [(run["case_id"], run["passed"], run["checks"]) for run in document["runs"]]
    assert outputs["ray"] == outputs["inprocess"]  # the tools (examples/weather/weather_tools.py) ran on the workers
    assert [passed for _, passed, _ in outputs["ray"]] == [True, False, False]
