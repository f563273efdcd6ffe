"""``compare``'s live line per run: drawn from the streamed events on a terminal, absent anywhere else."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from any_agent import AgentTrace, ModelResponseEvent, RunFinished, TextDeltaEvent, ToolCallEvent, ToolResultEvent
from any_agent.cli.compare import CellResult
from any_agent.cli.compare_command import compare_command
from any_agent.cli.compare_live import CompareProgress
from any_agent.model.types import Usage
from tests.cli.conftest import EXAMPLES

AGENT = EXAMPLES / "weather" / "agent.yaml"
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def consoles(*, terminal: bool) -> tuple[Console, Console, io.StringIO, io.StringIO]:
    out_file, err_file = io.StringIO(), io.StringIO()
    out = Console(file=out_file, force_terminal=terminal, width=160)
    err = Console(file=err_file, force_terminal=terminal, width=160)
    return out, err, out_file, err_file


def compare(tmp_path: Path, *, terminal: bool, json_out: str | None = None, repeat: int = 1) -> tuple[int, str, str]:
    out, err, out_file, err_file = consoles(terminal=terminal)
    code = compare_command(
        AGENT,
        None,
        frameworks=["tiny"],
        models=[],
        repeat=repeat,
        concurrency=1,
        timeout=60,
        html=None,
        json_out=json_out,
        offline=True,
        out=out,
        err=err,
    )
    return code, _ESCAPES.sub("", out_file.getvalue()), _ESCAPES.sub("", err_file.getvalue())


def test_a_terminal_shows_each_run_live_turn_tool_and_tokens(tmp_path: Path) -> None:
    code, out, err = compare(tmp_path, terminal=True, repeat=2)
    assert code == 0, err
    # Drawn as the events came: the first tool, then the second, on the second turn with the tokens so far.
    assert "tiny \u00d7 openai:scripted  run 1/2  turn 1  running get_forecast  15 tokens" in err
    assert "tiny \u00d7 openai:scripted  run 1/2  turn 2  running suggest_activities  30 tokens" in err
    assert "tiny \u00d7 openai:scripted  run 2/2  turn 1  running get_forecast" in err
    assert "✓ [2/2] tiny \u00d7 openai:scripted" in err  # the finished-run lines, as before
    assert "tiny" in out and "ok" in out  # the table, on stdout as before


def test_no_terminal_no_live_line_and_the_same_output_as_before(tmp_path: Path) -> None:
    code, _, err = compare(tmp_path, terminal=False)
    assert code == 0, err
    assert "running get_forecast" not in err and "turn 1" not in err
    assert "✓ [1/1] tiny \u00d7 openai:scripted" in err


def test_json_on_a_terminal_gets_no_live_line(tmp_path: Path) -> None:
    code, _, err = compare(tmp_path, terminal=True, json_out=str(tmp_path / "results.json"))
    assert code == 0, err
    assert "running get_forecast" not in err and "turn 1" not in err
    assert (tmp_path / "results.json").exists()


def test_a_run_line_follows_the_events() -> None:
    progress = CompareProgress(repeat=1)
    cell = CellResult(framework="langgraph", model="openai:gpt-4o")
    usage = Usage(input_tokens=100, output_tokens=20)
    progress.on_event(cell, 0, ModelResponseEvent("gpt-4o", usage, "tool_calls", tool_calls=2))
    progress.on_event(cell, 0, ToolCallEvent("a", "get_weather", "{}"))
    progress.on_event(cell, 0, ToolCallEvent("b", "[bold]odd[/bold]", "{}"))
    [line] = progress.lines()
    assert line.plain == "langgraph \u00d7 openai:gpt-4o  turn 1  running get_weather, [bold]odd[/bold]  120 tokens"
    progress.on_event(cell, 0, ToolResultEvent("a", "get_weather", "sunny"))
    progress.on_event(cell, 0, ToolResultEvent("b", "[bold]odd[/bold]", "ok"))
    assert progress.lines()[0].plain == "langgraph \u00d7 openai:gpt-4o  turn 2  waiting for the model  120 tokens"
    progress.on_event(cell, 0, TextDeltaEvent("It is"))
    assert "turn 2  writing the answer" in progress.lines()[0].plain
    progress.on_event(cell, 0, RunFinished(AgentTrace()))  # the run ended: its line goes
    assert progress.lines() == []
