"""The HTML report in headless Chromium: it renders, it is interactive, and untrusted text stays text.

Needs Debian's ``chromium`` (``apt-get install -y chromium``); driven over the DevTools protocol by
the small client in ``cdp.py``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import struct
from pathlib import Path
from typing import Any

import pytest

from any_agent import AgentConfig
from any_agent.cli.compare import AgentInfo, Comparison, run_matrix
from any_agent.cli.report.html import report_data, write_report
from any_agent.registry import available_frameworks
from any_agent.testing import ScriptedLLM, plan
from tests.cli.cdp import Browser, chromium_path

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium for the browser test: apt-get install -y chromium"
)

PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def fetch_page(url: str) -> str:
    """Fetch a page (tool result comes back with markup in it).

    Args:
        url: The page.
    """
    return f"{PAYLOAD} from {url}"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Comparison]:
    frameworks = ["tiny", *(name for name in available_frameworks() if name != "tiny"), "not_installed"]
    script = plan([[("fetch_page", {"url": "https://example.org"})]], final="The page says hello.")
    with ScriptedLLM(script, model="gpt-4o-mini") as llm:  # a priced model: a call of 15 tokens costs $0.0000045
        config = AgentConfig(name="reader", model_id=llm.model_id, api_base=llm.base_url, tools=[fetch_page])
        cells = asyncio.run(run_matrix(config, "Read the page", frameworks=frameworks, repeat=2))
    comparison = Comparison(
        agent=AgentInfo(name="reader", prompt="Read <b>the</b> page"),
        offline=True,
        frameworks=frameworks,
        models=[config.model_id],
        repeat=2,
        cells=cells,
    )
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(comparison, path)
    return path, comparison


@pytest.fixture(scope="module")
def page(report: tuple[Path, Comparison]) -> Any:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        browser.open(report[0])
        yield browser


def test_the_page_renders_without_errors_or_fetches(page: Browser, report: tuple[Path, Comparison]) -> None:
    assert page.errors() == []
    assert page.requested_urls() == [report[0].resolve().as_uri()]
    assert page.evaluate("document.title") == "any-agent comparison: reader"
    assert page.evaluate("document.querySelector('#meta').textContent").count("Read <b>the</b> page") == 1


def test_the_table_has_one_row_per_cell(page: Browser, report: tuple[Path, Comparison]) -> None:
    comparison = report[1]
    rows = page.evaluate(
        "[...document.querySelectorAll('#comparison tbody tr')]"
        ".map(row => [...row.cells].map(cell => cell.textContent))"
    )
    assert len(rows) == len(comparison.cells)
    assert [row[0] for row in rows] == [cell.framework for cell in comparison.cells]
    assert rows[-1][2] == "failed" and "no adapter for framework" in rows[-1][3]
    assert rows[0][2] == "ok" and rows[0][3] == "The page says hello."
    assert all(row[2] == "ok" and row[3] == "same as tiny" for row in rows[1:-1])  # one answer, shown once
    assert comparison.cells[0].summary.cost == pytest.approx(9e-6)  # two model calls of 10 + 5 tokens
    assert all(row[8] == "$0.000009" for row in rows[:-1])  # never "$0.0000" for a cost that is not zero
    assert rows[-1][8] == "\N{EN DASH}"  # a cell that never ran has no cost, not an "unknown" one
    assert all(re.fullmatch(r"\d+ ms( \d+ ms\N{EN DASH}\d+ ms)?|[\d.]+ s.*", row[9]) for row in rows[:-1])
    bars = page.evaluate(
        "[...document.querySelectorAll('#comparison .wall-bar')].map(bar => parseFloat(bar.style.width))"
    )
    longest = max(run.wall_seconds for cell in comparison.cells for run in cell.runs)
    expected = [
        100 * cell.summary.wall_seconds.median / longest for cell in comparison.cells[:-1] if cell.summary.wall_seconds
    ]
    assert bars == pytest.approx(expected, abs=0.01)  # wall time as a bar, one scale for every row


def test_the_summary_line_says_what_ran_what_matches_and_what_won(
    page: Browser, report: tuple[Path, Comparison]
) -> None:
    comparison = report[1]
    text = page.evaluate("document.getElementById('summary').textContent")
    traced = [cell.framework for cell in comparison.cells if cell.status == "ok" and cell.framework != "tiny"]
    assert text.startswith(f"{len(comparison.cells) - 1}/{len(comparison.cells)} ok")
    assert f"same trace as tiny: {', '.join(traced)}" in text
    fastest = min(
        (cell for cell in comparison.cells if cell.summary.wall_seconds), key=lambda c: c.summary.wall_seconds.median
    )  # type: ignore[union-attr]
    assert f"fastest: {fastest.framework} (" in text
    assert "cheapest: tiny ($0.000009)" in text  # every cell costs the same: the first one is named
    assert "import" in page.evaluate("document.getElementById('meta').textContent")  # says timings were warmed up


def test_clicking_a_span_shows_its_attributes_and_markup_stays_text(page: Browser) -> None:
    details = page.evaluate(
        """(() => {
          const panel = document.querySelector('.run-panel[data-cell="0"]');
          const row = [...panel.querySelectorAll('.span-row')].find(r => r.textContent.includes('execute_tool'));
          row.click();
          return {
            title: document.getElementById('details-title').textContent,
            args: document.querySelector('#details .tool-arguments').textContent,
            result: document.querySelector('#details .tool-result').textContent,
            selected: row.classList.contains('selected'),
          };
        })()"""
    )
    assert details["title"] == "execute_tool fetch_page"
    status = page.evaluate("document.getElementById('details').textContent")
    assert "Statuscompleted" in status and "UNSET" not in status
    assert '"url": "https://example.org"' in details["args"]
    assert details["result"] == f"{PAYLOAD} from https://example.org"
    assert details["selected"] is True
    assert page.evaluate("String(window.__pwned)") == "undefined"
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("document.querySelectorAll('img').length") == 0


def test_clicking_a_model_call_shows_messages_and_usage(page: Browser) -> None:
    text = page.evaluate(
        """(() => {
          const row = [...document.querySelectorAll('.run-panel[data-cell="0"] .span-row')]
            .find(r => r.textContent.startsWith('chat'));
          row.click();
          return document.getElementById('details').textContent;
        })()"""
    )
    assert "Input tokens10" in text and "Output tokens5" in text and "Cost$0.0000045" in text
    assert "Input messages" in text and "Read the page" in text
    assert 'call fetch_page({"url":"https://example.org"})' in text


def test_every_run_shares_one_time_scale_and_runs_can_be_switched(
    page: Browser, report: tuple[Path, Comparison]
) -> None:
    widths = page.evaluate(
        "[...document.querySelectorAll('.run-panel')].map(panel => {"
        " const bar = panel.querySelector('.bar'); return bar ? parseFloat(bar.style.width) : null; })"
    )
    timeline = report_data(report[1])["timeline"]
    roots = [[run[0]["duration_ms"] for run in cell if run] for cell in timeline["rows"]]
    assert max(duration for cell in roots for duration in cell) == timeline["scale_ms"]
    expected = [100 * cell[0] / timeline["scale_ms"] if cell else None for cell in roots]
    assert widths[-1] is None and expected[-1] is None  # the missing framework has no trace, and no empty axis
    assert page.evaluate("document.querySelectorAll('.run-panel.no-trace .axis').length") == 0
    ticks = page.evaluate("[...document.querySelector('.run-panel .axis').children].map(tick => tick.textContent)")
    values = [0.0] + [float(tick.split()[0]) * (1000 if tick.endswith(" s") else 1) for tick in ticks[1:]]
    step = values[1]
    assert ticks[0] == "0" and re.fullmatch(r"[125]0*(\.0+)?|0\.0*[125]", f"{step:g}")  # 1, 2 or 5 times 10^k ms
    assert values == pytest.approx([step * index for index in range(len(values))])
    assert widths[:-1] == pytest.approx(expected[:-1], abs=0.01)  # every run's root bar, on one scale
    switched = page.evaluate(
        """(() => {
          const select = document.querySelector('.run-panel[data-cell="0"] select');
          select.value = '1';
          select.dispatchEvent(new Event('change'));
          return [select.options.length, document.querySelectorAll('.run-panel[data-cell="0"] .span-row').length];
        })()"""
    )
    assert switched == [2, 4]
    assert page.errors() == []


def test_the_divergence_view_aligns_steps(page: Browser, report: tuple[Path, Comparison]) -> None:
    columns = page.evaluate("document.querySelectorAll('#divergence thead th').length")
    assert columns == 1 + len(report[1].cells) - 1  # the step index, then every cell with a trace
    kinds = page.evaluate("[...document.querySelectorAll('#divergence td[data-kind]')].map(td => td.dataset.kind)")
    assert kinds and set(kinds) <= {"same", "differs", "extra"}
    collapsed = page.evaluate(
        "[...document.querySelectorAll('#divergence tbody tr')]"
        ".map(tr => tr.querySelector('td.collapsed')?.colSpan ?? 0)"
    )
    same_everywhere = report_data(report[1])["divergence"]["same_everywhere"]
    assert any(same_everywhere)  # the scripted run is the same on every framework for most steps
    assert collapsed == [columns - 1 if same else 0 for same in same_everywhere]  # one cell across every column
    step = page.evaluate(
        """(() => {
          document.querySelectorAll('#divergence tbody tr')[2].querySelector('td[data-kind]').click();
          return document.getElementById('details').textContent;
        })()"""
    )
    assert '"operation": "execute_tool"' in step and PAYLOAD.replace('"', '\\"') in step
    assert page.evaluate("String(window.__pwned)") == "undefined"
    assert page.errors() == []


def _png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


@pytest.mark.parametrize("width", [1400, 420])
def test_screenshots_at_desktop_and_phone_widths(report: tuple[Path, Comparison], tmp_path: Path, width: int) -> None:
    """The page fits the window at both widths; on a phone the details pop over the page when asked for."""
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        browser.set_viewport(width, 900)
        browser.open(report[0])
        layout = browser.evaluate(
            """(() => {
              const details = document.getElementById('details');
              const before = getComputedStyle(details).display;
              document.querySelector('#comparison tbody tr').click();
              const box = details.getBoundingClientRect();
              return {
                page: document.documentElement.scrollWidth,
                visible: document.documentElement.clientWidth,
                columns: getComputedStyle(document.querySelector('.layout')).gridTemplateColumns.split(' ').length,
                cardRows: getComputedStyle(document.querySelector('#comparison thead')).display === 'none',
                before, after: getComputedStyle(details).display, position: getComputedStyle(details).position,
                inView: box.left >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight + 1,
                title: document.getElementById('details-title').textContent,
              };
            })()"""
        )
        shot = tmp_path / f"report-{width}.png"
        browser.evaluate("document.getElementById('details-close').click()")
        closed = browser.evaluate("getComputedStyle(document.getElementById('details')).display")
        browser.screenshot(shot)
        assert browser.errors() == []
    assert layout["page"] == layout["visible"] <= width  # nothing sticks out sideways
    assert layout["title"] == "tiny · openai:gpt-4o-mini (offline)"
    assert _png_size(shot)[0] == layout["page"]  # the screenshot is the whole page, no wider than the window
    if keep := os.environ.get("ANY_AGENT_SCREENSHOTS"):  # docs/images/report-*.png are made this way
        shutil.copy(shot, Path(keep) / shot.name)
    if width < 700:
        assert layout["columns"] == 1 and layout["cardRows"]
        assert (layout["before"], layout["after"], layout["position"]) == ("none", "block", "fixed")
        assert layout["inView"]  # the pop-over is on screen, not below the whole page
        assert closed == "none"
    else:
        assert layout["columns"] == 2 and not layout["cardRows"]
        assert layout["before"] == layout["after"] == "block" and layout["position"] == "sticky"
