"""Evaluation at scale: cases x frameworks x models x repeats, checked and judged, here or on Ray.

``evaluate(config, "cases.yaml", frameworks=[...], models=[...], repeats=3)`` returns `EvalResults`:
every run with its verdicts, pass rates, latency, tokens and cost per case and per framework x model.
The command line's ``any-agent eval`` is this plus a table, a JSON document and an HTML report. See
``docs/eval.md``.
"""

from any_agent.eval.cases import (
    Case,
    Check,
    Contains,
    Equals,
    JsonSchema,
    Judge,
    MaxCost,
    MaxTurns,
    Regex,
    ToolCalled,
    load_cases,
    parse_cases,
)
from any_agent.eval.checks import CheckResult
from any_agent.eval.endpoints import Endpoint
from any_agent.eval.executor import Executor, InProcessExecutor
from any_agent.eval.judge import Verdict
from any_agent.eval.results import SCHEMA_VERSION, CaseCell, CaseInfo, EvalResults, EvalRun, Latency, MatrixCell
from any_agent.eval.runner import OnRun, evaluate, evaluate_async
from any_agent.eval.worker import Job, RunSpec

__all__ = [
    "SCHEMA_VERSION",
    "Case",
    "CaseCell",
    "CaseInfo",
    "Check",
    "CheckResult",
    "Contains",
    "Endpoint",
    "Equals",
    "EvalResults",
    "EvalRun",
    "Executor",
    "InProcessExecutor",
    "Job",
    "JsonSchema",
    "Judge",
    "Latency",
    "MatrixCell",
    "MaxCost",
    "MaxTurns",
    "OnRun",
    "Regex",
    "RunSpec",
    "ToolCalled",
    "Verdict",
    "evaluate",
    "evaluate_async",
    "load_cases",
    "parse_cases",
]
