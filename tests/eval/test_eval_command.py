"""``any-agent eval`` on the shipped example (examples/eval), offline on the scripted model."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from any_agent.cli.app import app

EXAMPLE = Path(__file__).parents[2] / "examples" / "eval"


def test_the_example_runs_offline_with_a_table_a_json_document_and_reasons(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = CliRunner().invoke(
        app,
        ["eval", str(EXAMPLE / "agent.yaml"), str(EXAMPLE / "cases.yaml"), "-f", "tiny,langgraph", "--json", str(out)],
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
    result = CliRunner().invoke(app, ["eval", str(EXAMPLE / "agent.yaml"), str(bad)])
    assert result.exit_code == 2 and "not a valid regular expression" in result.output
