"""The CLI docs stay true: their JSON examples match the real documents, their code runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from any_agent.cli.compare import AgentInfo, CellResult, Comparison, RunResult
from tests.cli.conftest import EXAMPLES, ROOT, Invoke

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


def test_the_documented_diff_json_has_the_real_shape(invoke: Invoke, tmp_path: Path) -> None:
    documented = next(json.loads(block) for block in blocks(CLI_DOC, "json") if '"identical"' in block)
    trace = tmp_path / "trace.json"
    assert invoke("run", EXAMPLES / "weather" / "agent.yaml", "-o", trace).exit_code == 0
    real = json.loads(invoke("trace", "diff", trace, trace, "--json").stdout)
    assert keys(documented) == keys(real) == {"schema_version", "identical", "left", "right", "prompt", "difference"}
    assert keys(documented["prompt"]) == keys(real["prompt"]) == {"same", "left", "right"}
    assert keys(documented["difference"]) == {"index", "fields", "left", "right"}


# A command that fetches the bare name `any-agent` (or `any-agent-<framework>`) from a package registry:
# the registry's `any-agent` is mozilla-ai's project, and ours is installed from a clone or its wheels.
_FOREIGN_INSTALL = re.compile(
    r"(\bpip3?|\bpipx|\buv pip|\buv add|\buv tool|\buvx)\s+(install\s+|run\s+)?(-\S+\s+)*"
    r"[\"'`]?any-agent(-[a-z0-9]+)?(\[[^\]]*\])?(==\S*)?[\"'`]*(\s|$|\)|,)"
)


def _install_texts() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found += sorted((ROOT / "examples").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.yaml"))
    found += sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "adapters").rglob("*.py"))
    return [path for path in found if ".venv" not in path.parts]


def test_no_documented_command_installs_someone_elses_any_agent() -> None:
    offenders = []
    for path in _install_texts():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            warned = any(word in line.lower() for word in ("mozilla", "never", "do not"))
            if _FOREIGN_INSTALL.search(line) and not warned:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    "line",
    [
        'pip install "any-agent[langgraph]"',
        "$ pip install any-agent",
        "uv add any-agent",
        "`uv pip install -U any-agent-crewai`",
    ],
)
def test_the_install_check_catches_the_old_commands(line: str) -> None:
    assert _FOREIGN_INSTALL.search(line)


def test_the_install_check_allows_wheels_and_the_clone() -> None:
    for line in (
        "uv add /path/to/any-agent/dist/any_agent-0.1.0-py3-none-any.whl",
        'uv pip install "dist/any_agent-0.1.0-py3-none-any.whl[local]"',
        "uv sync --extra crewai",
    ):
        assert not _FOREIGN_INSTALL.search(line), line


def test_the_report_doc_snippet_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (snippet,) = blocks(REPORT_DOC, "python")
    comparison = Comparison(agent=AgentInfo(name="doc", prompt="p"), frameworks=["tiny"], models=["m"])
    (tmp_path / "results.json").write_text(comparison.model_dump_json(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "docs/report.md", "exec"), {})
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")


CONFIG_DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def test_the_configuration_table_lists_every_field() -> None:
    from any_agent import AgentConfig

    documented = set(re.findall(r"^\| `(\w+)` \|", CONFIG_DOC, re.M))
    assert documented == set(AgentConfig.model_fields)


@pytest.mark.parametrize("suffix", ["yaml", "toml"])
def test_the_configuration_file_examples_load(suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """They name functions that exist: the example's tools, next to it as the comment says."""
    from any_agent import AgentConfig

    (block,) = blocks(CONFIG_DOC, suffix)
    monkeypatch.syspath_prepend(str(EXAMPLES / "weather"))
    path = tmp_path / f"agent.{suffix}"
    path.write_text(block, encoding="utf-8")
    config = AgentConfig.from_file(path)
    assert [tool.__name__ for tool in config.tools] == ["get_forecast", "suggest_activities"]  # type: ignore[union-attr]
