"""The HTML report in headless Chromium: it renders, it is interactive, and untrusted text stays text.

Needs Debian's ``chromium`` (``apt-get install -y chromium``); driven over the DevTools protocol by
the small client in ``cdp.py``.
"""

from __future__ import annotations

import asyncio
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
    with ScriptedLLM(script) as llm:
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
    assert all(row[2] == "ok" and row[3] == "The page says hello." for row in rows[:-1])


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
    assert "Input tokens10" in text and "Output tokens5" in text
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
    assert widths[-1] is None and expected[-1] is None  # the missing framework has no trace
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
    step = page.evaluate(
        """(() => {
          document.querySelectorAll('#divergence tbody tr')[2].querySelector('td[data-kind]').click();
          return document.getElementById('details').textContent;
        })()"""
    )
    assert '"operation": "execute_tool"' in step and PAYLOAD.replace('"', '\\"') in step
    assert page.evaluate("String(window.__pwned)") == "undefined"
    assert page.errors() == []
