"""The smaller things a new user meets first: help text, error messages, `frameworks`, `--width`."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from any_agent import Agent, AgentConfig
from any_agent.registry import available_frameworks
from any_agent.testing import ScriptedLLM, plan
from tests.cli.conftest import Invoke

COMMANDS = [
    [],
    ["run"],
    ["compare"],
    ["serve"],
    ["report"],
    ["frameworks"],
    ["trace"],
    ["trace", "show"],
    ["trace", "diff"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command) or "any-agent")
def test_help_reads_cleanly(invoke: Invoke, command: list[str]) -> None:
    result = invoke(*command, "--help", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<bool>" not in text
    assert not re.search(r"\{\w+\}", text), text  # typer's {agent_file}
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    if command in (["run"], ["compare"]):
        assert usage.split("Usage:")[1].split() == ["any-agent", *command, "[OPTIONS]", "AGENT_FILE", "[PROMPT]"]


def test_help_paragraphs_wrap_at_the_terminal_not_at_the_docstring(invoke: Invoke) -> None:
    text = invoke("compare", "--help", env={"COLUMNS": "200"}).stdout
    assert "1: at least one failed (see the table)" in text  # the docstring breaks after "at"


def test_report_explains_a_missing_or_bad_results_file_in_one_line(invoke: Invoke, tmp_path: Path) -> None:
    missing = invoke("report", tmp_path / "nope.json", tmp_path / "out.html")
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"error: cannot read {tmp_path / 'nope.json'}: No such file or directory"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": 1, "cells": [{"framework": "tiny"}]}), encoding="utf-8")
    result = invoke("report", bad, tmp_path / "out.html")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert said.startswith(f"error: {bad} is not a compare --json results file: agent: Field required (and ")
    assert "http" not in said and "pydantic" not in said
    trace = tmp_path / "trace.json"
    trace.write_text('{"spans": [], "final_output": null}', encoding="utf-8")
    assert "it is a trace" in invoke("report", trace, tmp_path / "out.html").stderr
    assert not (tmp_path / "out.html").exists()


def test_frameworks_shows_each_adapter_and_framework_version(invoke: Invoke) -> None:
    result = invoke("frameworks")
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("│")}
    assert f"any-agent {version('any-agent')}" in rows["tiny"] and "built in" in rows["tiny"]
    packages = {"crewai": "crewai", "langgraph": "langgraph", "ag2": "ag2", "openai": "openai-agents"}
    for framework in available_frameworks():
        if framework in packages:
            assert "available" in rows[framework]
            assert f"any-agent-{framework} {version(f'any-agent-{framework}')}" in rows[framework]
            assert f"{packages[framework]} {version(packages[framework])}" in rows[framework]


def test_trace_show_width_applies_to_every_line(invoke: Invoke, tmp_path: Path) -> None:
    def lookup(term: str) -> str:
        """Look a term up.

        Args:
            term: The term.
        """
        return term

    long_term = "a very long term " * 10
    with ScriptedLLM(plan([[("lookup", {"term": long_term})], "ok"])) as llm:
        config = AgentConfig(model_id=llm.model_id, api_base=llm.base_url, tools=[lookup])
        Agent.create(config).run("Hi").save(tmp_path / "t.json")
    result = invoke("trace", "show", tmp_path / "t.json", "--width", "30")
    assert result.exit_code == 0, result.output
    calls = [line for line in result.stdout.splitlines() if "calls " in line]
    assert calls, result.stdout
    for line in calls:
        assert len(line.split("calls ", 1)[1]) <= 30, line
