"""The HTML report as text: self-contained, escaped, with the data the page script reads."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re

import pytest

from any_agent import AgentConfig
from any_agent.cli.compare import AgentInfo, CellResult, Comparison, run_matrix
from any_agent.cli.report.html import embed_json, render_report, report_data
from any_agent.testing import ScriptedLLM, plan

HOSTILE = "</script><script>window.__pwned = 1</script><!-- <img src=x onerror=alert(1)>"


def echo_tool(text: str) -> str:
    """Repeat the text.

    Args:
        text: The text.
    """
    return text


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    with ScriptedLLM(plan([[("echo_tool", {"text": HOSTILE})]], final=HOSTILE)) as llm:
        config = AgentConfig(name="echo", model_id=llm.model_id, api_base=llm.base_url, tools=[echo_tool])
        cells = asyncio.run(run_matrix(config, "Say it", frameworks=["tiny", "not_installed"], repeat=2))
    return Comparison(
        agent=AgentInfo(name="echo", prompt="Say it"),
        frameworks=["tiny", "not_installed"],
        models=[cells[0].model],
        repeat=2,
        cells=cells,
    )


def test_untrusted_text_cannot_leave_the_data_block(comparison: Comparison) -> None:
    page = render_report(comparison)
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert HOSTILE not in page and "<img" not in page and "<!--" not in page
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert data is not None
    decoded = json.loads(data.group(1))
    assert decoded["comparison"]["cells"][0]["summary"]["final_output"] == HOSTILE


def test_embed_json_escapes_what_html_would_read() -> None:
    text = embed_json({"a": "</script>&<!--\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script>&<!--\u2028"}


def test_the_page_fetches_nothing_and_runs_only_its_own_script(comparison: Comparison) -> None:
    page = render_report(comparison)
    assert not re.search(r"""(src|href)\s*=|@import|url\(|https?://""", page.split('id="report-data"')[0])
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1)
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    for source in (script, style):
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_report_data_lays_out_timelines_on_one_scale_and_aligns_steps(comparison: Comparison) -> None:
    data = report_data(comparison)
    timeline = data["timeline"]
    tiny_runs = timeline["rows"][0]
    assert len(tiny_runs) == 2 and timeline["rows"][1] == []
    first = tiny_runs[0]
    assert first[0] == {"span": 0, "depth": 0, "start_ms": 0.0, "duration_ms": first[0]["duration_ms"]}
    assert all(row["depth"] == 1 for row in first[1:])
    longest = max(row["duration_ms"] for run in tiny_runs for row in run)
    assert timeline["scale_ms"] == longest
    divergence = data["divergence"]
    assert [column["label"] for column in divergence["columns"]] == ["tiny"]  # the missing cell has no trace
    assert divergence["reference"] == 0 and divergence["first"] == [None]
    assert [row[0]["step"]["operation"] for row in divergence["rows"]] == [
        "invoke_agent",
        "chat",
        "execute_tool",
        "chat",
    ]


def test_the_summary_counts_cells_and_names_the_fastest(comparison: Comparison) -> None:
    data = report_data(comparison)
    line = data["summary"]
    assert (line["cells"], line["cells_ok"], line["runs"], line["runs_ok"]) == (2, 1, 2, 2)
    assert line["reference"] is None and line["matching"] == []  # one traced cell: nothing to match against
    tiny = comparison.cells[0].summary.wall_seconds
    assert tiny is not None and line["fastest"] == {"label": "tiny", "seconds": tiny.median}
    assert line["cheapest"] is None  # the scripted model has no price
    assert data["same_answer_as"] == [None, None]
    assert all(cell.warmed_up for cell in comparison.cells)  # one-time imports done before any timed run


def test_results_written_before_warm_up_existed_still_load(comparison: Comparison) -> None:
    old = comparison.model_dump(mode="json")
    for cell in old["cells"]:
        del cell["warmed_up"]
    loaded = Comparison.model_validate(old)
    assert loaded.schema_version == 1 and not any(cell.warmed_up for cell in loaded.cells)


def test_same_answers_and_identical_steps_are_shown_once() -> None:
    def cells(script: dict[str, object]) -> list[CellResult]:
        with ScriptedLLM(script) as llm:
            config = AgentConfig(name="echo", model_id=llm.model_id, api_base=llm.base_url, tools=[echo_tool])
            return asyncio.run(run_matrix(config, "Say it", frameworks=["tiny"]))

    called = cells(plan([[("echo_tool", {"text": "hi"})]], final="hi"))
    direct = cells(plan([], final="hi"))
    other = cells(plan([], final="bye"))
    comparison = Comparison(
        agent=AgentInfo(name="echo", prompt="Say it"),
        frameworks=["tiny"],
        models=[called[0].model],
        cells=[*called, *direct, *other],
    )
    data = report_data(comparison)
    assert data["same_answer_as"] == [None, 0, None]
    divergence = data["divergence"]
    assert divergence["reference"] == 0 and divergence["first"] == [None, 1, 1]
    # invoke_agent is alike everywhere; the model's first step and what follows are not
    assert divergence["same_everywhere"][0] is True and not any(divergence["same_everywhere"][1:])
    line = data["summary"]
    assert line["reference"] == "tiny" and line["matching"] == []
    assert line["differing"] == [{"label": "tiny", "step": 1}, {"label": "tiny", "step": 1}]
