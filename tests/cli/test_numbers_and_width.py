"""What the terminal shows fits it: costs never read as a false zero, the table fits 80 columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from any_agent.cli.compare import Comparison
from any_agent.cli.numbers import format_cost
from any_agent.cli.render import NONE
from any_agent.testing import ScriptedLLM, plan
from tests.cli.conftest import EXAMPLES, Invoke, write_agent


@pytest.mark.parametrize(
    ("cost", "shown"),
    [
        (None, "unknown"),
        (0.0, "$0"),
        (0.000012, "$0.000012"),
        (0.000123, "$0.00012"),
        (0.0042, "$0.0042"),
        (0.0999, "$0.10"),
        (0.5, "$0.50"),
        (12.345, "$12.35"),
        (1e-9, "<$0.000001"),
    ],
)
def test_a_cost_keeps_its_significant_digits(cost: float | None, shown: str) -> None:
    assert format_cost(cost) == shown


def test_a_real_small_cost_is_not_shown_as_zero(invoke: Invoke, tmp_path: Path) -> None:
    # gpt-4.1-mini's real price, on the scripted server's token counts: $0.000012 per call.
    with ScriptedLLM(plan(["Hi there"])) as llm:
        agent = write_agent(tmp_path, f"name: priced\nmodel_id: openai:gpt-4.1-mini\napi_base: {llm.base_url}\n")
        ran = invoke("run", agent, "Hi")
        compared = invoke("compare", agent, "Hi", "-f", "tiny")
    assert ran.exit_code == 0, ran.output
    assert "cost $0.000012 · " in ran.stderr
    assert compared.exit_code == 0, compared.output
    assert "$0.000012" in compared.stdout and "$0.0000 " not in compared.stdout


def test_a_failed_cell_shows_dashes_not_unknown(invoke: Invoke) -> None:
    result = invoke("compare", EXAMPLES / "weather" / "agent.yaml", "-f", "tiny,not_installed")
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("│ not_installed")]
    assert [cell.strip() for cell in row.split("│")][5:11] == [NONE] * 6
    assert "unknown" not in row


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_the_compare_table_fits_80_columns_and_keeps_every_number(invoke: Invoke) -> None:
    result = invoke(
        "compare",
        EXAMPLES / "weather" / "agent.yaml",
        "-f",
        "tiny,langgraph,not_installed",
        "--repeat",
        "2",
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 1, result.output
    out = lines_of(result.stdout)
    assert max(len(line) for line in out) <= 80, "\n".join(out)
    assert "…" not in "\n".join(out[3:])  # nothing in the table or the answers is cut off
    header = next(line for line in out if "Framework" in line)
    assert header.split() == ["Framework", "Status", "Calls", "Tools", "In", "Out", "Cost", "Time"]
    for framework in ("tiny", "langgraph"):
        row = next(line for line in out if line.split()[:1] == [framework])
        assert row.split()[1:7] == ["ok", "3", "2", "30", "15", "unknown"], row
    assert next(line for line in out if line.split()[:1] == ["not_installed"]).split()[1:] == ["failed"] + [NONE] * 6
    answers = " ".join(" ".join(out[out.index("Final outputs") :]).split())
    assert "tiny: Lisbon on 14 June looks sunny, between 18 and 28 °C. Walk the Alfama" in answers
    assert "Miradouro da Senhora do Monte." in answers and "langgraph: same as tiny" in answers


def test_a_wide_terminal_keeps_the_answers_in_the_table(invoke: Invoke) -> None:
    result = invoke("compare", EXAMPLES / "weather" / "agent.yaml", "-f", "tiny", env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in lines_of(result.stdout)) <= 160
    header = next(line for line in result.stdout.splitlines() if "Framework" in line)
    assert "Final output" in header and "Model calls" in header


@pytest.mark.parametrize("width", [100, 120, 140, 160])
def test_no_width_crops_a_number(invoke: Invoke, tmp_path: Path, width: int) -> None:
    results = tmp_path / "results.json"
    agent = EXAMPLES / "weather" / "agent.yaml"
    args = ("compare", agent, "-f", "tiny,langgraph", "--repeat", "2", "--json", results)
    result = invoke(*args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = lines_of(result.stdout)
    assert max(len(line) for line in lines) <= width, "\n".join(lines)
    words = result.stdout.split()
    comparison = Comparison.model_validate_json(results.read_text(encoding="utf-8"))
    for cell in comparison.cells:
        spread = cell.summary.wall_seconds
        assert spread is not None
        for value in (spread.median, spread.min, spread.max):
            shown = f"{value * 1000:.0f}" if value < 1 else f"{value:.2f}"  # "172" of "172 ms"
            assert any(shown in word for word in words), (shown, result.stdout)
