"""``any-agent trace show`` and ``trace diff`` on traces saved by real runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from any_agent import Agent, AgentConfig, AgentTrace
from any_agent.errors import AgentRunError
from any_agent.testing import ScriptedLLM, plan
from tests.cli.conftest import Invoke


def lookup(term: str) -> str:
    """Look a term up.

    Args:
        term: The term.
    """
    return f"{term} means [bold]something[/bold]"


def saved_trace(path: Path, steps: list[object], prompt: str = "What is X?", max_turns: int = 10) -> Path:
    with ScriptedLLM(plan(steps)) as llm:  # type: ignore[arg-type]
        config = AgentConfig(
            name="glossary", model_id=llm.model_id, api_base=llm.base_url, tools=[lookup], max_turns=max_turns
        )
        try:
            trace = Agent.create(config).run(prompt)
        except AgentRunError as error:
            trace = error.trace
        trace.save(path)
    return path


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("traces")
    return {
        "a": saved_trace(folder / "a.json", [[("lookup", {"term": "X"})], "X is a letter."]),
        "same": saved_trace(folder / "same.json", [[("lookup", {"term": "X"})], "X is a letter."]),
        "other": saved_trace(folder / "other.json", [[("lookup", {"term": "Y"})], "X is a letter."]),
    }


def test_show_prints_the_span_tree_with_what_each_call_did(invoke: Invoke, traces: dict[str, Path]) -> None:
    result = invoke("trace", "show", traces["a"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "trace [tiny]: 4 spans"
    assert lines[1].startswith("└── invoke_agent glossary [tiny]")
    assert any("├── chat scripted" in line and "10 in / 5 out" in line for line in lines)
    assert any('calls lookup({"term": "X"})' in line for line in lines)
    assert any("├── execute_tool lookup" in line for line in lines)
    assert any("result X means [bold]something[/bold]" in line for line in lines)  # markup stays text
    assert any("says X is a letter." in line for line in lines)
    assert "Final output:" in result.stdout and "X is a letter." in result.stdout
    assert "2 turns · 1 tool call · 20 in / 10 out tokens · cost unknown" in result.stdout


def test_show_rejects_a_file_that_is_not_a_trace(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"spans": 3}', encoding="utf-8")
    result = invoke("trace", "show", bad)
    assert result.exit_code == 2
    assert "is not an any-agent trace" in result.stderr
    assert invoke("trace", "show", tmp_path / "missing.json").exit_code == 2


def test_diff_of_equivalent_runs_is_identical(invoke: Invoke, traces: dict[str, Path]) -> None:
    result = invoke("trace", "diff", traces["a"], traces["same"])
    assert result.exit_code == 0, result.output
    assert "The normalized traces are identical (4 steps)." in result.stdout


def test_diff_shows_the_first_differing_step_with_both_sides(invoke: Invoke, traces: dict[str, Path]) -> None:
    result = invoke("trace", "diff", traces["a"], traces["other"])
    assert result.exit_code == 1
    text = result.stdout
    assert "first differ at step 1 (a.json (tiny): 4 steps, other.json (tiny): 4 steps)" in " ".join(text.split())
    assert "Steps 0 to 0 are the same." in text
    assert '"X"' in text and '"Y"' in text and "tool_calls" in text


def test_diff_json_is_machine_readable(invoke: Invoke, traces: dict[str, Path]) -> None:
    result = invoke("trace", "diff", traces["a"], traces["other"], "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["identical"] is False
    assert document["left"] == {"file": str(traces["a"]), "framework": "tiny", "steps": 4}
    difference = document["difference"]
    assert difference["index"] == 1 and difference["fields"] == ["tool_calls"]
    assert difference["left"]["tool_calls"] == [{"name": "lookup", "arguments": {"term": "X"}}]
    assert difference["right"]["tool_calls"] == [{"name": "lookup", "arguments": {"term": "Y"}}]
    same = json.loads(invoke("trace", "diff", traces["a"], traces["same"], "--json").stdout)
    assert same["identical"] is True and same["difference"] is None


def test_diff_of_a_longer_run_points_at_the_extra_step(invoke: Invoke, traces: dict[str, Path], tmp_path: Path) -> None:
    longer = saved_trace(
        tmp_path / "longer.json", [[("lookup", {"term": "X"})], [("lookup", {"term": "X"})], "X is a letter."]
    )
    assert len(AgentTrace.load(longer).normalized()) == 6
    document = json.loads(invoke("trace", "diff", traces["a"], longer, "--json").stdout)
    assert document["difference"]["index"] == 3
    assert document["difference"]["left"]["output"] == "X is a letter."
    assert document["difference"]["right"]["tool_calls"][0]["name"] == "lookup"


@pytest.mark.parametrize(
    "content",
    [
        "{}",
        '{"schema_version": 1, "agent": {"name": "a", "prompt": "p"}, "cells": []}',
        '{"spans": [], "final_output": "made up"}',
        "name: glossary\nmodel_id: openai:gpt-4.1-mini\n",
    ],
    ids=["empty object", "compare results", "no root span", "agent file"],
)
def test_show_and_diff_refuse_a_file_that_is_not_a_trace(
    invoke: Invoke, traces: dict[str, Path], tmp_path: Path, content: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    shown = invoke("trace", "show", bad)
    assert shown.exit_code == 2, shown.output
    assert "is not an any-agent trace" in shown.stderr and shown.stdout == ""
    for args in ((bad, traces["a"]), (traces["a"], bad)):
        diffed = invoke("trace", "diff", *args)
        assert diffed.exit_code == 2, diffed.output
        assert "is not an any-agent trace" in diffed.stderr


def test_a_compare_results_file_is_named_as_such(invoke: Invoke, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text('{"schema_version": 1, "cells": []}', encoding="utf-8")
    assert "it is a compare --json results file" in invoke("trace", "show", results).stderr


def test_diff_compares_the_prompts(invoke: Invoke, traces: dict[str, Path], tmp_path: Path) -> None:
    other_prompt = saved_trace(tmp_path / "asked.json", [[("lookup", {"term": "X"})], "X is a letter."], "And Y?")
    result = invoke("trace", "diff", traces["a"], other_prompt)
    assert result.exit_code == 1, result.output
    assert "The runs answer different prompts." in result.stdout
    assert "What is X?" in result.stdout and "And Y?" in result.stdout
    document = json.loads(invoke("trace", "diff", traces["a"], other_prompt, "--json").stdout)
    assert document["identical"] is False
    # The normalized steps hold what each model call was sent, so the first chat differs in its input.
    assert document["difference"]["index"] == 1 and document["difference"]["fields"] == ["input"]
    assert document["prompt"] == {"same": False, "left": "What is X?", "right": "And Y?"}
    same = json.loads(invoke("trace", "diff", traces["a"], traces["same"], "--json").stdout)
    assert same["prompt"] == {"same": True, "left": "What is X?", "right": "What is X?"}


def test_diff_of_a_failed_run_points_at_the_first_real_divergence(
    invoke: Invoke, traces: dict[str, Path], tmp_path: Path
) -> None:
    # One turn allowed: the run calls the tool, then fails wanting a second turn.
    failed = saved_trace(tmp_path / "failed.json", [[("lookup", {"term": "X"})], "X is a letter."], max_turns=1)
    assert AgentTrace.load(failed).normalized()[0]["status"] == "ERROR"
    document = json.loads(invoke("trace", "diff", traces["a"], failed, "--json").stdout)
    assert document["difference"]["index"] == 3  # the answer the failed run never got to, not step 0
    assert document["difference"]["right"] is None
    text = " ".join(invoke("trace", "diff", traces["a"], failed).stdout.split())
    assert "first differ at step 3" in text and "(but for the run's outcome: OK / ERROR)" in text
