"""The CLI docs stay true: their JSON examples match the real documents, their code runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from any_agent.cli.compare import AgentInfo, CellResult, Comparison, RunResult
from tests.cli.conftest import ROOT

CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
REPORT_DOC = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def keys(value: object) -> set[str]:
    return set(value) if isinstance(value, dict) else set()


def test_the_documented_compare_json_has_the_real_shape() -> None:
    documented = next(
        json.loads(block) for block in blocks(CLI_DOC, "json") if '"schema_version": 1' in block and '"cells"' in block
    )
    comparison = Comparison.model_validate(documented)  # it reads as a real document
    real = json.loads(
        Comparison(
            agent=AgentInfo(name="a", prompt="p"),
            frameworks=["tiny"],
            models=["m"],
            cells=[CellResult(framework="tiny", model="m", runs=[RunResult(status="ok")])],
        ).model_dump_json()
    )
    assert keys(documented) == keys(real)
    assert keys(documented["cells"][0]) == keys(real["cells"][0])
    assert keys(documented["cells"][0]["runs"][0]) == keys(real["cells"][0]["runs"][0])
    assert keys(documented["cells"][0]["summary"]) == keys(real["cells"][0]["summary"])
    assert [cell.status for cell in comparison.cells] == ["ok", "failed"]


def test_the_documented_diff_json_has_the_real_shape() -> None:
    documented = next(json.loads(block) for block in blocks(CLI_DOC, "json") if '"identical"' in block)
    assert keys(documented) == {"schema_version", "identical", "left", "right", "difference"}
    assert keys(documented["difference"]) == {"index", "fields", "left", "right"}


def test_the_report_doc_snippet_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (snippet,) = blocks(REPORT_DOC, "python")
    comparison = Comparison(agent=AgentInfo(name="doc", prompt="p"), frameworks=["tiny"], models=["m"])
    (tmp_path / "results.json").write_text(comparison.model_dump_json(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "docs/report.md", "exec"), {})
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")
