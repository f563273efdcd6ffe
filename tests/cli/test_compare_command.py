"""``any-agent compare``: the table, the exit code, ``--json`` and ``--html`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from any_agent.cli.compare import Comparison
from any_agent.registry import available_frameworks
from tests.cli.conftest import EXAMPLES, Invoke, write_agent


def test_compare_all_available_frameworks_plus_a_missing_one(invoke: Invoke, tmp_path: Path) -> None:
    frameworks = [*available_frameworks(), "not_installed"]
    report = tmp_path / "report.html"
    result = invoke(
        "compare",
        EXAMPLES / "weather" / "agent.yaml",
        "--frameworks",
        ",".join(frameworks),
        "--json",
        "-",
        "--html",
        report,
    )
    assert result.exit_code == 1, result.output  # one cell failed
    # With the JSON on stdout, the table (and anything a framework prints) goes to stderr.
    table_rows = [line for line in result.stderr.splitlines() if "openai:scripted (offline)" in line]
    assert [row.split("│")[1].strip() for row in table_rows] == frameworks
    for row in table_rows[:-1]:
        cells = [cell.strip() for cell in row.split("│")]
        assert cells[3] == "ok" and cells[5:10] == ["3", "2", "30", "15", "unknown"], row
    assert "failed" in table_rows[-1] and "no adapter for framework" in table_rows[-1]
    assert "not_installed \u00d7 openai:scripted: framework: no adapter" in " ".join(result.stderr.split())
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["offline"] is True
    assert [cell["status"] for cell in document["cells"]] == ["ok"] * (len(frameworks) - 1) + ["failed"]
    assert Comparison.model_validate(document).cells[0].runs[0].trace is not None
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and '"framework": "not_installed"' in page


def test_compare_exits_0_when_every_cell_succeeds_and_json_can_go_to_stdout(invoke: Invoke) -> None:
    result = invoke("compare", EXAMPLES / "extractor" / "agent.yaml", "-f", "tiny", "--repeat", "2", "--json", "-")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (cell,) = document["cells"]
    assert cell["status"] == "ok" and len(cell["runs"]) == 2
    assert cell["summary"]["final_output"]["invoice_number"] == "INV-2025-0042"
    assert cell["summary"]["wall_seconds"]["min"] <= cell["summary"]["wall_seconds"]["max"]
    assert "Wall time (median, range)" in result.stderr  # the table moved to stderr


def test_compare_rejects_models_with_offline_and_bad_files(invoke: Invoke, tmp_path: Path) -> None:
    agent = EXAMPLES / "weather" / "agent.yaml"
    assert invoke("compare", agent, "--offline", "--models", "openai:gpt-4.1").exit_code == 2
    assert invoke("compare", tmp_path / "missing.yaml").exit_code == 2
    no_prompt = write_agent(tmp_path, "model_id: openai:gpt-4.1-mini\n")
    assert invoke("compare", no_prompt, "-f", "tiny").exit_code == 2


def test_report_rebuilds_the_html_from_saved_results(invoke: Invoke, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    assert invoke("compare", EXAMPLES / "research" / "agent.yaml", "-f", "tiny", "--json", results).exit_code == 0
    page = tmp_path / "again.html"
    result = invoke("report", results, page)
    assert result.exit_code == 0, result.output
    assert "research_assistant" in page.read_text(encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert invoke("report", bad, tmp_path / "x.html").exit_code == 2
