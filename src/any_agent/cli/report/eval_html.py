"""The HTML report's evaluation view: the pass-rate matrix, and each run's checks and trace on click.

Built like the comparison report (`any_agent.cli.report.html`): one self-contained file, the data
embedded as JSON and rendered with text nodes only, a Content-Security-Policy that allows exactly
the inlined style and script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from pathlib import Path

from any_agent.cli.report.html import embed_json
from any_agent.eval.results import EvalResults

__all__ = ["render_eval_report", "write_eval_report"]

_MARKER = re.compile(r"\{\{(CSP|CSS|DATA|JS)\}\}")


def _asset(name: str) -> str:
    return resources.files("any_agent.cli.report").joinpath(name).read_text(encoding="utf-8")


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def render_eval_report(results: EvalResults) -> str:
    """The evaluation as one HTML document."""
    css, script = _asset("report.css"), _asset("eval.js")
    csp = (
        f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(script)}; "
        "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    values = {"CSP": csp, "CSS": css, "JS": script, "DATA": embed_json(results.model_dump(mode="json"))}
    return _MARKER.sub(lambda match: values[match.group(1)], _asset("eval_template.html"))


def write_eval_report(results: EvalResults, path: str | Path) -> None:
    """Write the report to ``path``."""
    Path(path).write_text(render_eval_report(results), encoding="utf-8")
