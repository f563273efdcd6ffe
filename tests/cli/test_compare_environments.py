"""``compare`` across environments: frameworks installed in their own (``adk``) run there, in one table."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from any_agent.cli import compare_elsewhere
from any_agent.cli.compare import Comparison
from any_agent.cli.compare_elsewhere import Elsewhere, default_frameworks, run_elsewhere, split_frameworks
from any_agent.environments import ENVIRONMENT_VARIABLE, environment_python
from any_agent.registry import installed_frameworks
from tests.cli.conftest import EXAMPLES, Invoke


def _adk_elsewhere() -> None:
    if "adk" in installed_frameworks():
        pytest.skip("adk is installed in this environment: nothing runs elsewhere")
    if environment_python("adk") is None:
        message = "adk's environment is not installed: run `uv sync --project adapters/adk`"
        if os.environ.get("ANY_AGENT_REQUIRE_ENVIRONMENTS") == "1":
            pytest.fail(message)
        pytest.skip(message)


def test_adk_runs_in_its_own_environment_and_joins_the_table_json_and_traces(invoke: Invoke) -> None:
    _adk_elsewhere()
    result = invoke("compare", EXAMPLES / "weather" / "agent.yaml", "--frameworks", "adk,tiny", "--json", "-")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stderr.splitlines() if "openai:scripted (offline)" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["adk", "tiny"]  # the order asked for
    for row in rows:  # the same counts as every other framework
        cells = [cell.strip() for cell in row.split("│")]
        assert cells[3] == "ok" and cells[5:10] == ["3", "2", "30", "15", "unknown"], row
    document = Comparison.model_validate(json.loads(result.stdout))
    adk, tiny = document.cells
    assert adk.framework == "adk" and adk.model == tiny.model
    adk_trace, tiny_trace = adk.runs[0].trace, tiny.runs[0].trace
    assert adk_trace is not None and tiny_trace is not None
    assert [step["name"] for step in adk_trace.normalized()][1:] == [step["name"] for step in tiny_trace.normalized()][
        1:
    ]
    assert "[2/2] adk \u00d7 openai:scripted" in result.stderr  # its progress line, as for the others


def test_by_default_compare_includes_frameworks_installed_elsewhere() -> None:
    _adk_elsewhere()
    assert "adk" in default_frameworks() and set(installed_frameworks()) <= set(default_frameworks())


def test_without_its_environment_the_adk_cell_says_which_command_installs_it(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "adk" in installed_frameworks():
        pytest.skip("adk is installed in this environment")
    (tmp_path / "adapters").mkdir()
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path))  # a clone without adk's environment
    result = invoke("compare", EXAMPLES / "weather" / "agent.yaml", "--frameworks", "tiny,adk")
    assert result.exit_code == 1
    assert "uv sync --project adapters/adk" in " ".join(result.stderr.split())


def test_frameworks_lists_adk_in_its_own_environment(invoke: Invoke) -> None:
    _adk_elsewhere()
    result = invoke("frameworks")
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("│")}
    assert "in its own environment" in rows["adk"] and "adapters/adk/.venv" in " ".join(result.stdout.split())


def _environment(tmp_path: Path, body: str) -> Path:
    """An environment whose ``any-agent`` is this Python script (a real process): its ``python`` path."""
    bin_dir = tmp_path / "env" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "any-agent"
    script.write_text(f"#!{sys.executable}\nimport os, sys, time\n{textwrap.dedent(body)}", encoding="utf-8")
    script.chmod(0o755)
    return bin_dir / "python"


def _ask(tmp_path: Path, prompt: str, timeout: float | None = None) -> Elsewhere:
    return Elsewhere(tmp_path / "agent.yaml", prompt, ["openai:gpt-4o"], 1, 1, timeout, False, ["sk-test-0123456789"])


@pytest.mark.skipif(sys.platform == "win32", reason="a script as the environment's any-agent is POSIX")
def test_the_other_environment_is_asked_safely_and_its_failure_is_told_safely(tmp_path: Path) -> None:
    seen = tmp_path / "seen.json"
    python = _environment(
        tmp_path,
        f"""
        import json
        with open({str(seen)!r}, "w", encoding="utf-8") as out:
            json.dump({{"argv": sys.argv[1:], "stdin": sys.stdin.read(), "utf8": os.environ.get("PYTHONUTF8")}}, out)
        sys.stderr.write("Traceback...\\nModuleNotFoundError: No module named 'wetter_köln' (sk-test-0123456789)\\n")
        sys.exit(1)
        """,
    )
    (cell,) = run_elsewhere(python, ["adk"], ["openai:gpt-4o"], _ask(tmp_path, "-v: what now?"))
    asked = json.loads(seen.read_text(encoding="utf-8"))
    assert asked["argv"][-3:] == ["--", str(tmp_path / "agent.yaml"), "-v: what now?"]  # a prompt may start with "-"
    assert asked["stdin"] == "" and asked["utf8"] == "1"
    assert cell.error is not None
    assert "wetter_köln" in cell.error and "sk-test-0123456789" not in cell.error and "***" in cell.error
    assert "uv sync --project adapters/adk" in cell.error


@pytest.mark.skipif(sys.platform == "win32", reason="a script as the environment's any-agent is POSIX")
def test_without_timeout_the_other_environment_is_still_bounded_and_stopped_gently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cleaned = tmp_path / "cleaned"
    python = _environment(
        tmp_path,
        f"""
        try:
            time.sleep(300)
        finally:  # runs only if the child is interrupted, not killed
            open({str(cleaned)!r}, "w").close()
        """,
    )
    monkeypatch.setattr(compare_elsewhere, "_STARTUP_SECONDS", 5.0)  # the bound's parts, made short
    monkeypatch.setattr(compare_elsewhere, "_RUN_SECONDS", 0.5)
    (cell,) = run_elsewhere(python, ["adk"], ["openai:gpt-4o"], _ask(tmp_path, "hi", timeout=None))
    assert cell.error is not None and "did not answer within" in cell.error and "--timeout" in cell.error
    assert cleaned.exists()


def test_framework_names_are_normalised_as_for_the_others() -> None:
    _adk_elsewhere()
    local, elsewhere = split_frameworks([" ADK ", "Tiny"])
    assert local == ["tiny"] and list(elsewhere) == ["adk"]


def test_from_the_main_environment_the_adk_hint_says_to_run_it_in_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from any_agent.registry import install_hint

    _adk_elsewhere()
    assert "uv run --project adapters/adk" in install_hint("adk")
    (tmp_path / "adapters").mkdir()
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path))  # a clone without adk's environment
    assert "uv sync --project adapters/adk" in install_hint("adk")
