"""``any-agent run``: offline by default, live progress, exit codes, saved traces."""

from __future__ import annotations

from pathlib import Path

from any_agent import AgentTrace
from any_agent.cli.agent_file import OFFLINE_NOTICE
from any_agent.testing import ScriptedLLM, plan
from tests.cli.conftest import EXAMPLES, Invoke, write_agent

NO_TOOLS = "name: plain\nmodel_id: openai:gpt-4.1-mini\nmax_turns: 2\n"


def test_without_a_key_it_runs_offline_and_says_so(invoke: Invoke, tmp_path: Path) -> None:
    trace_file = tmp_path / "trace.json"
    result = invoke("run", EXAMPLES / "weather" / "agent.yaml", "--trace-out", trace_file)
    assert result.exit_code == 0, result.output
    assert OFFLINE_NOTICE in " ".join(result.stderr.split())
    assert result.stdout.strip() == (
        "Lisbon on 14 June looks sunny, between 18 and 28 °C. Walk the Alfama and ride tram 28 in the morning, "
        "then catch the sunset at Miradouro da Senhora do Monte."
    )
    progress = result.stderr
    assert "model call 1" in progress and "calls get_forecast" in progress
    assert 'tool get_forecast({"city": "Lisbon", "date": "2025-06-14"}) → {"city": "Lisbon"' in progress
    assert "model call 3" in progress and "answers Lisbon on 14 June" in progress
    assert "3 turns · 2 tool calls · 30 in / 15 out tokens · cost unknown · " in progress
    trace = AgentTrace.load(trace_file)
    assert trace.framework == "tiny" and trace.succeeded
    assert [span.name for span in trace.operation_spans("execute_tool")] == [
        "execute_tool get_forecast",
        "execute_tool suggest_activities",
    ]


def test_progress_lines_come_in_the_order_the_calls_happen(invoke: Invoke) -> None:
    result = invoke("run", EXAMPLES / "research" / "agent.yaml")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("✓")]
    kinds = [line.split()[1] for line in lines]
    assert kinds == ["model", "tool", "model", "tool", "tool", "tool", "tool", "model", "tool", "model"]
    assert "calculate" in lines[-2] and "→ 1.4" in lines[-2]
    assert result.stdout.startswith("About 1.4 tonnes of CO2 a year.")


def test_a_configured_model_runs_without_the_offline_notice(invoke: Invoke, tmp_path: Path) -> None:
    with ScriptedLLM(plan(["Hello from a configured server"])) as llm:
        agent = write_agent(tmp_path, f"model_id: {llm.model_id}\napi_base: {llm.base_url}\n")
        result = invoke("run", agent, "Hi")
    assert result.exit_code == 0, result.output
    assert "scripted offline model" not in result.stderr
    assert result.stdout.strip() == "Hello from a configured server"


def test_an_explicit_model_without_a_key_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("run", EXAMPLES / "weather" / "agent.yaml", "--model", "openai:gpt-4.1")
    assert result.exit_code == 2
    assert "no API key for openai" in result.stderr and "OPENAI_API_KEY" in result.stderr


def test_offline_forces_the_scripted_model_and_excludes_model(invoke: Invoke) -> None:
    result = invoke("run", EXAMPLES / "weather" / "agent.yaml", "--offline", "--model", "openai:gpt-4.1")
    assert result.exit_code == 2
    assert "exclude each other" in result.stderr


def test_without_a_plan_the_offline_model_echoes(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("run", write_agent(tmp_path, NO_TOOLS), "Ping")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "You said: Ping"


def test_model_text_is_printed_as_text_never_as_markup(invoke: Invoke, tmp_path: Path) -> None:
    hostile = "[bold red]not markup[/] <script>alert(1)</script> \x1b[31m"
    agent = write_agent(tmp_path, NO_TOOLS, {"steps": [hostile]})
    result = invoke("run", agent, "Hi")
    assert result.exit_code == 0, result.output
    assert "[bold red]not markup[/] <script>alert(1)</script>" in result.stdout


def test_a_failed_run_exits_1_and_still_saves_its_trace(invoke: Invoke, tmp_path: Path) -> None:
    agent = write_agent(tmp_path, NO_TOOLS, {"steps": [[{"tool": "nope", "arguments": {}}]] * 4})
    trace_file = tmp_path / "failed.json"
    result = invoke("run", agent, "Loop", "--trace-out", trace_file)
    assert result.exit_code == 1
    assert "Run failed: The agent did not finish within max_turns=2" in " ".join(result.stderr.split())
    trace = AgentTrace.load(trace_file)
    assert not trace.succeeded and len(trace.operation_spans("chat")) == 2


def test_the_framework_option_switches_framework(invoke: Invoke, tmp_path: Path) -> None:
    trace_file = tmp_path / "t.json"
    result = invoke("run", write_agent(tmp_path, NO_TOOLS), "Hi", "--framework", "not_installed")
    assert result.exit_code == 2
    assert "no adapter for framework 'not_installed'" in result.stderr
    assert not trace_file.exists()


def test_a_prompt_is_needed_when_there_is_no_plan(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("run", write_agent(tmp_path, NO_TOOLS))
    assert result.exit_code == 2
    assert "give a PROMPT" in result.stderr


def test_bad_agent_files_are_usage_errors(invoke: Invoke, tmp_path: Path) -> None:
    missing = invoke("run", tmp_path / "nope.yaml", "Hi")
    assert missing.exit_code == 2 and "cannot read agent file" in missing.stderr
    invalid = invoke("run", write_agent(tmp_path, "model_id: openai:x\nmax_turns: zero\n", stem="bad"), "Hi")
    assert invalid.exit_code == 2 and "max_turns" in invalid.stderr
    plan_file = write_agent(tmp_path, NO_TOOLS, stem="badplan")
    (tmp_path / "badplan.offline.json").write_text('{"steps": [42]}', encoding="utf-8")
    bad_plan = invoke("run", plan_file, "Hi")
    assert bad_plan.exit_code == 2 and "is not a valid plan" in bad_plan.stderr


def test_help_is_everywhere(invoke: Invoke) -> None:
    for command in (
        ["--help"],
        ["run", "--help"],
        ["compare", "--help"],
        ["trace", "--help"],
        ["trace", "show", "--help"],
        ["trace", "diff", "--help"],
        ["report", "--help"],
        ["frameworks", "--help"],
    ):
        result = invoke(*command)
        assert result.exit_code == 0, command
        assert "Usage" in result.stdout


def test_frameworks_lists_the_installed_adapters(invoke: Invoke) -> None:
    result = invoke("frameworks")
    assert result.exit_code == 0
    assert "tiny" in result.stdout and "available" in result.stdout


def test_stream_prints_the_answer_as_it_comes_and_tool_calls_as_they_happen(invoke: Invoke) -> None:
    result = invoke("run", EXAMPLES / "weather" / "agent.yaml", "--stream")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Lisbon on 14 June looks sunny, between 18 and 28 °C. Walk the Alfama and ride tram 28 in the morning, "
        "then catch the sunset at Miradouro da Senhora do Monte."
    )
    progress = result.stderr
    call = progress.index('→ get_forecast({"city": "Lisbon", "date": "2025-06-14"})')
    assert call < progress.index("← get_forecast: {") < progress.index("→ suggest_activities(")
    assert "3 turns · 2 tool calls · 30 in / 15 out tokens" in progress
