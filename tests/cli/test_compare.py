"""The comparison matrix, without the command line: real adapters against the scripted model."""

from __future__ import annotations

import asyncio
import json

import pytest

from any_agent import AgentConfig, AgentTrace, SpanRecord
from any_agent.cli.compare import COST_ATTRIBUTE, SCHEMA_VERSION, CellResult, Comparison, RunResult, cost_of, run_matrix
from any_agent.registry import available_frameworks
from any_agent.testing import Fault, ScriptedLLM, plan

PLAN = plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris")


def get_weather(city: str) -> str:
    """Get the weather.

    Args:
        city: The city.
    """
    return f"{city}: 21 C, clear"


def config_for(llm: ScriptedLLM, **fields: object) -> AgentConfig:
    return AgentConfig(
        name="weather",
        model_id=llm.model_id,
        api_base=llm.base_url,
        instructions="Use the tools.",
        tools=[get_weather],
        max_retries=0,
        **fields,  # type: ignore[arg-type]
    )


def test_every_available_framework_runs_and_a_missing_one_is_a_failed_cell() -> None:
    frameworks = [*available_frameworks(), "not_installed"]
    seen: list[tuple[str, str]] = []
    with ScriptedLLM(PLAN) as llm:
        cells = asyncio.run(
            run_matrix(
                config_for(llm),
                "Weather in Paris?",
                frameworks=frameworks,
                on_run=lambda cell, run: seen.append((cell.framework, run.status)),
            )
        )
    assert [cell.framework for cell in cells] == frameworks
    assert sorted(seen) == sorted([(name, "ok") for name in frameworks[:-1]] + [("not_installed", "failed")])
    for cell in cells[:-1]:
        assert cell.status == "ok", f"{cell.framework}: {cell.failure_reason}"
        (run,) = cell.runs
        assert run.final_output == "Sunny in Paris"
        assert (run.model_calls, run.tool_calls, run.input_tokens, run.output_tokens) == (2, 1, 20, 10)
        assert run.cost is None  # the scripted model has no price
        assert run.trace is not None and run.trace.framework == cell.framework
        assert run.wall_seconds == run.trace.duration.total_seconds() > 0
    missing = cells[-1]
    assert missing.status == "failed" and missing.runs == []
    assert missing.error is not None and "no adapter for framework 'not_installed'" in missing.error
    comparison = Comparison.model_validate(
        {"agent": {"name": "weather", "prompt": "p"}, "frameworks": frameworks, "models": ["m"], "cells": cells}
    )
    assert not comparison.all_ok


def test_adapters_are_imported_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two threads importing frameworks with import cycles at once can see a module half-initialised."""
    import threading
    import time

    from any_agent.cli import compare

    loading = 0
    most_at_once = 0
    lock = threading.Lock()

    def load_slowly(framework: str) -> object:
        nonlocal loading, most_at_once
        with lock:
            loading += 1
            most_at_once = max(most_at_once, loading)
        time.sleep(0.05)  # long enough for parallel loads to overlap, if there were any
        try:
            return real_load(framework)
        finally:
            with lock:
                loading -= 1

    real_load = compare.load_adapter
    monkeypatch.setattr(compare, "load_adapter", load_slowly)
    frameworks = [*available_frameworks(), "not_installed"]
    with ScriptedLLM(PLAN) as llm:
        cells = asyncio.run(run_matrix(config_for(llm), "Weather in Paris?", frameworks=frameworks))
    assert most_at_once == 1
    assert [cell.status for cell in cells] == ["ok"] * (len(frameworks) - 1) + ["failed"]


def test_repeat_gives_median_and_range() -> None:
    with ScriptedLLM(PLAN) as llm:
        (cell,) = asyncio.run(run_matrix(config_for(llm), "Weather?", frameworks=["tiny"], repeat=3, concurrency=2))
    assert len(cell.runs) == 3 and cell.status == "ok"
    summary = cell.summary
    assert summary.wall_seconds is not None
    walls = sorted(run.wall_seconds for run in cell.runs)
    assert (summary.wall_seconds.min, summary.wall_seconds.median, summary.wall_seconds.max) == tuple(walls)
    assert (summary.model_calls, summary.tool_calls, summary.final_output) == (2, 1, "Sunny in Paris")


def test_a_run_over_max_turns_is_a_failed_run_with_its_partial_trace() -> None:
    looping = plan([[("get_weather", {"city": "Paris"})]] * 5)
    with ScriptedLLM(looping) as llm:
        (cell,) = asyncio.run(run_matrix(config_for(llm, max_turns=2), "Weather?", frameworks=["tiny"]))
    (run,) = cell.runs
    assert cell.status == "failed" and run.status == "failed"
    assert run.error_type == "MaxTurnsExceeded"
    assert run.error is not None and "max_turns=2" in run.error
    assert run.model_calls == 2 and run.trace is not None
    assert cell.failure_reason == run.error


def test_a_hanging_run_times_out_without_stopping_the_others() -> None:
    with ScriptedLLM(PLAN) as llm:
        llm.inject(Fault.slow(3.0), times=1)
        cells = asyncio.run(
            run_matrix(config_for(llm), "Weather?", frameworks=["tiny"], repeat=2, concurrency=1, time_limit=1.0)
        )
    runs = cells[0].runs
    assert sorted(run.status for run in runs) == ["failed", "ok"]
    failed = next(run for run in runs if run.status == "failed")
    assert (failed.error, failed.error_type) == ("timed out after 1 s", "TimeoutError")
    assert cells[0].status == "partial"


def test_an_agent_that_cannot_be_built_is_a_failed_cell() -> None:
    with ScriptedLLM(PLAN) as llm:
        (cell,) = asyncio.run(run_matrix(config_for(llm, agent_args={"x": 1}), "Weather?", frameworks=["tiny"]))
    assert cell.status == "failed"
    assert cell.error is not None and "takes no agent_args" in cell.error


def test_models_multiply_the_cells() -> None:
    with ScriptedLLM(PLAN) as llm:
        cells = asyncio.run(
            run_matrix(config_for(llm), "Weather?", frameworks=["tiny"], models=[llm.model_id, "openai:other"])
        )
    assert [(cell.framework, cell.model) for cell in cells] == [("tiny", llm.model_id), ("tiny", "openai:other")]
    assert [cell.status for cell in cells] == ["ok", "ok"]  # the scripted server answers any model name


def _chat(cost: float | None) -> SpanRecord:
    attributes: dict[str, object] = {"gen_ai.operation.name": "chat"}
    if cost is not None:
        attributes[COST_ATTRIBUTE] = cost
    return SpanRecord(
        name="chat m", trace_id="t", span_id="s", parent_id=None, start_ns=0, end_ns=1, attributes=attributes
    )


@pytest.mark.parametrize(("costs", "expected"), [([0.25, 0.5], 0.75), ([0.25, None], None), ([], None), ([0.0], 0.0)])
def test_cost_is_known_only_when_every_model_call_has_one(costs: list[float | None], expected: float | None) -> None:
    assert cost_of(AgentTrace(spans=[_chat(cost) for cost in costs])) == expected


def test_the_json_document_is_stable_and_reads_back() -> None:
    with ScriptedLLM(PLAN) as llm:
        cells = asyncio.run(run_matrix(config_for(llm), "Weather?", frameworks=["tiny", "not_installed"]))
    comparison = Comparison.model_validate(
        {"agent": {"name": "weather", "prompt": "Weather?"}, "frameworks": ["tiny"], "models": ["m"], "cells": cells}
    )
    document = json.loads(comparison.model_dump_json())
    assert document["schema_version"] == SCHEMA_VERSION == 1
    assert document["all_ok"] is False
    assert set(document) >= {"agent", "offline", "frameworks", "models", "repeat", "started_at", "cells"}
    tiny = document["cells"][0]
    assert set(tiny) == {"framework", "model", "error", "warmed_up", "runs", "status", "summary"}
    assert tiny["status"] == "ok" and tiny["summary"]["tool_calls"] == 1
    assert set(tiny["runs"][0]) == set(RunResult.model_fields)
    assert tiny["runs"][0]["trace"]["spans"][0]["name"] == "invoke_agent weather"
    again = Comparison.model_validate_json(comparison.model_dump_json())
    assert [cell.status for cell in again.cells] == ["ok", "failed"]
    assert isinstance(again.cells[0], CellResult) and again.cells[0].runs[0].trace is not None
