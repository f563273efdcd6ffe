"""The HTML report: one self-contained file, readable offline, safe with untrusted content.

The page is a template with the CSS and JavaScript inlined and the comparison embedded as a JSON
data block; the script renders everything with text nodes only. A Content-Security-Policy allows
exactly the inlined style and script (by hash) and nothing else: no network fetch, no other script,
even if some text were ever misrendered.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from any_agent.cli.align import align
from any_agent.cli.compare import CellResult, Comparison
from any_agent.tracing.trace import SpanRecord

__all__ = ["embed_json", "render_report", "report_data", "summary", "write_report"]

_MARKER = re.compile(r"\{\{(CSP|CSS|DATA|JS)\}\}")


def _asset(name: str) -> str:
    return resources.files("any_agent.cli.report").joinpath(name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON that is safe inside a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` are escaped as JSON unicode escapes, so no ``</script>`` or ``<!--`` in
    a model's answer can end the element; ``JSON.parse`` reads them back unchanged.
    """
    text = json.dumps(data, ensure_ascii=True, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def _timeline_rows(cell: CellResult) -> list[list[dict[str, Any]] | None]:
    """For each run, its spans in start order with their depth and offsets (ms) from the run's start."""
    rows: list[list[dict[str, Any]] | None] = []
    for run in cell.runs:
        if run.trace is None or not run.trace.spans:
            rows.append(None)
            continue
        spans = run.trace.spans
        start = min(span.start_ns for span in spans)
        depth = _depths(spans)
        rows.append(
            [
                {
                    "span": index,
                    "depth": depth[span.span_id],
                    "start_ms": (span.start_ns - start) / 1e6,
                    "duration_ms": max(span.end_ns - span.start_ns, 0) / 1e6,
                }
                for index, span in enumerate(spans)
            ]
        )
    return rows


def _depths(spans: list[SpanRecord]) -> dict[str, int]:
    parents = {span.span_id: span.parent_id for span in spans}
    depths: dict[str, int] = {}
    for span in spans:
        depth, parent, seen = 0, parents.get(span.span_id), set()
        while parent in parents and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = parents[parent]
        depths[span.span_id] = depth
    return depths


def _divergence(comparison: Comparison) -> dict[str, Any]:
    """Each cell's first traced run, aligned against a reference (``tiny`` when it succeeded).

    ``same_everywhere`` marks the rows where every run has the same step as the reference: the page
    shows those once, across all columns, so the eye goes to the rows that differ.
    """
    columns: list[dict[str, Any]] = []
    steps: list[list[dict[str, Any]]] = []
    for index, cell in enumerate(comparison.cells):
        run = next((number for number, run in enumerate(cell.runs) if run.trace is not None), None)
        if run is None:
            continue
        trace = cell.runs[run].trace
        assert trace is not None
        columns.append(
            {"cell": index, "run": run, "label": _label(comparison, cell), "ok": cell.runs[run].status == "ok"}
        )
        steps.append(trace.normalized())
    succeeded = [i for i, column in enumerate(columns) if column["ok"]]
    tiny = [i for i in succeeded if comparison.cells[columns[i]["cell"]].framework == "tiny"]
    reference = (tiny or succeeded or [0])[0]
    rows = align(steps, reference) if steps else []
    first: list[int | None] = []
    for column in range(len(columns)):
        first.append(
            next(
                (
                    number
                    for number, row in enumerate(rows)
                    if (slot := row[column]) is None or slot.extra or slot.differs
                ),
                None,
            )
        )
    return {
        "columns": columns,
        "reference": reference,
        "rows": [[slot.to_json() if slot is not None else None for slot in row] for row in rows],
        "same_everywhere": [
            len(columns) > 1 and all(slot is not None and not slot.extra and not slot.differs for slot in row)
            for row in rows
        ],
        "first": first,
    }


def _same_answer_as(comparison: Comparison) -> list[int | None]:
    """For each cell, the first earlier cell with the very same answer (the table says "same as …")."""
    seen: dict[str, int] = {}
    found: list[int | None] = []
    for index, cell in enumerate(comparison.cells):
        answer = cell.summary.final_output
        if cell.status == "failed" or answer is None or answer == "":
            found.append(None)
            continue
        key = json.dumps(answer, sort_keys=True, default=str)
        found.append(seen.get(key))
        seen.setdefault(key, index)
    return found


def _label(comparison: Comparison, cell: CellResult) -> str:
    return f"{cell.framework} · {cell.model}" if len(comparison.models) > 1 else cell.framework


def summary(comparison: Comparison, divergence: dict[str, Any] | None = None) -> dict[str, Any]:
    """The line at the top of the page: how many ran, which match the reference, fastest, cheapest.

    Fastest and cheapest are chosen among the cells whose every run succeeded (a run that failed
    early is fast and cheap for the wrong reason); cheapest only among cells with a known cost.
    """
    view = divergence if divergence is not None else _divergence(comparison)
    ok = [cell for cell in comparison.cells if cell.status == "ok"]
    runs = [run for cell in comparison.cells for run in cell.runs]
    columns = view["columns"]
    reference = columns[view["reference"]]["label"] if columns else None
    matching = [column["label"] for index, column in enumerate(columns) if view["first"][index] is None]
    differing = [
        {"label": column["label"], "step": view["first"][index]}
        for index, column in enumerate(columns)
        if view["first"][index] is not None
    ]
    timed = [cell for cell in ok if cell.summary.wall_seconds is not None]
    fastest = min(
        timed, key=lambda cell: cell.summary.wall_seconds.median if cell.summary.wall_seconds else 0.0, default=None
    )
    priced = [cell for cell in ok if cell.summary.cost is not None]
    cheapest = min(priced, key=lambda cell: cell.summary.cost or 0.0, default=None)
    return {
        "cells": len(comparison.cells),
        "cells_ok": len(ok),
        "runs": len(runs),
        "runs_ok": sum(run.status == "ok" for run in runs),
        "reference": reference if len(columns) > 1 else None,
        "matching": [label for label in matching if label != reference] if len(columns) > 1 else [],
        "differing": differing if len(columns) > 1 else [],
        "fastest": None
        if fastest is None or fastest.summary.wall_seconds is None
        else {"label": _label(comparison, fastest), "seconds": fastest.summary.wall_seconds.median},
        "cheapest": None
        if cheapest is None
        else {"label": _label(comparison, cheapest), "cost": cheapest.summary.cost},
    }


def report_data(comparison: Comparison) -> dict[str, Any]:
    """Everything the page's script reads: the comparison, timeline layout, the alignment."""
    timeline = [_timeline_rows(cell) for cell in comparison.cells]
    durations = [row["duration_ms"] for cell in timeline for run in cell if run for row in run]
    divergence = _divergence(comparison)
    return {
        "comparison": comparison.model_dump(mode="json"),
        "summary": summary(comparison, divergence),
        "same_answer_as": _same_answer_as(comparison),
        "timeline": {"scale_ms": max(durations, default=1.0) or 1.0, "rows": timeline},
        "divergence": divergence,
    }


def render_report(comparison: Comparison) -> str:
    """The report as one HTML document."""
    css, script = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(script)}; "
        "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    values = {"CSP": csp, "CSS": css, "JS": script, "DATA": embed_json(report_data(comparison))}
    return _MARKER.sub(lambda match: values[match.group(1)], _asset("template.html"))


def write_report(comparison: Comparison, path: str | Path) -> None:
    """Write the report to ``path``."""
    Path(path).write_text(render_report(comparison), encoding="utf-8")
