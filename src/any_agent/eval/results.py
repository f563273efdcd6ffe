"""The results of an evaluation: every run with its verdicts, and the numbers per case and per cell.

`EvalResults` is the ``any-eval --json`` document (versioned like compare's) and what the HTML
report's evaluation view reads. Aggregates are computed fields, so the JSON carries them and a
consumer never recomputes them differently.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from any_agent.cli.compare import RunResult
from any_agent.eval.checks import CheckResult

__all__ = ["SCHEMA_VERSION", "CaseCell", "CaseInfo", "EvalResults", "EvalRun", "Latency", "MatrixCell"]

SCHEMA_VERSION = 1
"""Bumped on any change to the JSON shape that could break a consumer (a removed or renamed field)."""


class EvalRun(BaseModel):
    """One run of one case on one framework and model, and its verdicts."""

    case_id: str
    framework: str
    model: str
    repeat: int
    """Which repeat this is, from 0."""
    passed: bool
    checks: list[CheckResult] = Field(default_factory=list)
    run: RunResult
    judge_cost: float | None = None
    """What the judge calls of this run cost, when known (not part of the run's own cost)."""
    attempts: int = 1
    """How many times the run was started: 2 when its worker died and it was retried."""
    worker: str | None = None
    """Where it ran (a Ray node and process), None in-process."""

    @property
    def key(self) -> tuple[str, str, str, int]:
        """What identifies the run in the matrix: no two runs of one evaluation share it."""
        return (self.case_id, self.framework, self.model, self.repeat)

    @property
    def failure(self) -> str | None:
        """Why the run did not pass, in one line; None when it passed."""
        if self.passed:
            return None
        if self.run.status == "failed":
            return f"run failed: {self.run.error or self.run.error_type or 'unknown error'}"
        failed = [f"{check.kind}: {check.reason}" for check in self.checks if not check.passed]
        return "; ".join(failed) or "failed"


class Latency(BaseModel):
    """Wall time of a group of runs, in seconds."""

    median: float
    p95: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Latency | None:
        """None for no values; p95 by the nearest-rank method (an observed value, never interpolated)."""
        if not values:
            return None
        ordered = sorted(values)
        rank = max(math.ceil(0.95 * len(ordered)), 1)
        return cls(median=statistics.median(ordered), p95=ordered[rank - 1])


class _Group(BaseModel):
    """Runs summarized: what a row of the table shows."""

    framework: str
    model: str
    runs: list[EvalRun] = Field(default_factory=list, exclude=True)
    """Not serialized: the document's top-level ``runs`` holds each run once."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> int:
        """Runs that passed every check."""
        return sum(run.passed for run in self.runs)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pass_rate(self) -> float | None:
        """Passed over runs; None when nothing ran."""
        return self.passed / len(self.runs) if self.runs else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def latency(self) -> Latency | None:
        """Median and p95 wall time over the runs."""
        return Latency.of([run.run.wall_seconds for run in self.runs])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def input_tokens(self) -> int:
        """Summed over the runs."""
        return sum(run.run.input_tokens for run in self.runs)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def output_tokens(self) -> int:
        """Summed over the runs."""
        return sum(run.run.output_tokens for run in self.runs)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cost(self) -> float | None:
        """The runs' cost summed, None unless every run's cost is known (the judge's is apart)."""
        costs = [run.run.cost for run in self.runs]
        return sum(cost for cost in costs if cost is not None) if costs and None not in costs else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def judge_cost(self) -> float | None:
        """What judging these runs cost, when known."""
        costs = [run.judge_cost for run in self.runs if run.judge_cost is not None]
        return sum(costs) if costs else None


class CaseCell(_Group):
    """One case on one framework and model: its repeats."""

    case_id: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def failures(self) -> list[str]:
        """Each failed run's reason, in repeat order."""
        return [f"run {run.repeat + 1}: {run.failure}" for run in self.runs if run.failure is not None]


class MatrixCell(_Group):
    """One framework and model over every case: a row of the summary table."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def failed_cases(self) -> list[str]:
        """The cases with at least one failed run."""
        return list(dict.fromkeys(run.case_id for run in self.runs if not run.passed))


class CaseInfo(BaseModel):
    """A case as the results record it."""

    id: str
    input: str
    checks: list[str] = Field(default_factory=list)
    """The kinds of its checks."""


class EvalResults(BaseModel):
    """The result of an evaluation: the ``any-agent eval --json`` document."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["eval"] = "eval"
    agent: str
    agent_file: str | None = None
    cases_file: str | None = None
    offline: bool = False
    frameworks: list[str]
    models: list[str]
    repeats: int = 1
    executor: str = "inprocess"
    judge: str | None = None
    started_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    wall_seconds: float = 0.0
    cases: list[CaseInfo] = Field(default_factory=list)
    errors: dict[str, str] = Field(default_factory=dict)
    """Per ``framework model``: why the agent could not be built there (its runs all fail with it)."""
    runs: list[EvalRun] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def matrix(self) -> list[MatrixCell]:
        """One row per framework x model, in the order given, over every case."""
        rows = {(f, m): MatrixCell(framework=f, model=m) for f in self.frameworks for m in self.models}
        for run in self.runs:
            rows[(run.framework, run.model)].runs.append(run)
        return list(rows.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cells(self) -> list[CaseCell]:
        """One per case x framework x model, cases in file order."""
        cells = {
            (c.id, f, m): CaseCell(case_id=c.id, framework=f, model=m)
            for c in self.cases
            for f in self.frameworks
            for m in self.models
        }
        for run in sorted(self.runs, key=lambda run: run.repeat):
            cells[(run.case_id, run.framework, run.model)].runs.append(run)
        return list(cells.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def all_passed(self) -> bool:
        """True when every run of every case passed."""
        return bool(self.runs) and all(run.passed for run in self.runs)
