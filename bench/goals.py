"""The performance goals (issue 22), in one table, and the verdict of a `run.py` report against them.

Each goal names what it reads from the report (`run.py`'s JSON), how it is shown, and its bound.
`run.py --quick` measures only what these goals need and prints `verdict`; a full run prints it too
and puts it in docs/benchmarks.md. A goal whose measure the run skipped says "not measured".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Reading = tuple[float, float | None, float | None]
"""A value and its interval (low, high); the interval is None where the run has one sample."""


@dataclass(frozen=True)
class Goal:
    measure: str
    goal: str
    read: Callable[[dict[str, Any]], Reading | None]
    """The reading from a report, or None where the run did not measure it."""
    met: Callable[[float], bool]
    unit: str = ""  # "x" for a ratio, " ms", " MiB", " runs/s"
    frameworks: tuple[str, ...] = ()
    """The frameworks the measure needs (a quick run measures these and no others)."""
    concurrency: int | None = None
    """The concurrent run count the measure needs, if any."""
    startup: bool = False
    mozilla: bool = False


def _ratio(key: str, scenario: str, field: str) -> Callable[[dict[str, Any]], Reading | None]:
    def read(report: dict[str, Any]) -> Reading | None:
        entry = report.get("ratios", {}).get(f"{key}/{scenario}", {}).get(field)
        return (entry["ratio"], entry["low"], entry["high"]) if entry else None

    return read


def _startup_ratio(top: str, bottom: str) -> Callable[[dict[str, Any]], Reading | None]:
    def read(report: dict[str, Any]) -> Reading | None:
        entry = report.get("startup", {}).get("ratios", {}).get(f"{top} / {bottom}")
        return (entry["ratio"], entry["low"], entry["high"]) if entry else None

    return read


def _process_ms(command: str) -> Callable[[dict[str, Any]], Reading | None]:
    def read(report: dict[str, Any]) -> Reading | None:
        startup = report.get("startup", {})
        if command not in startup.get("process_wall_ms", {}):
            return None
        low, high = startup["process_wall_q1_q3_ms"][command]
        return startup["process_wall_ms"][command], low, high

    return read


def _concurrency(framework: str, n: int) -> Callable[[dict[str, Any]], Reading | None]:
    """any-agent's runs/s over native's (median of the repeats; interval: worst and best pairing)."""

    def read(report: dict[str, Any]) -> Reading | None:
        rows = {
            row["variant"]: row
            for row in report.get("concurrency", [])
            if row.get("concurrent_runs") == n and "failed" not in row
        }
        ours, native = rows.get(f"any-agent {framework}"), rows.get(f"native {framework}")
        if not ours or not native:
            return None
        a, b = ours["runs_per_s_samples"], native["runs_per_s_samples"]
        return ours["runs_per_s"] / native["runs_per_s"], min(a) / max(b), max(a) / min(b)

    return read


def _rss_above_native(frameworks: tuple[str, ...]) -> Callable[[dict[str, Any]], Reading | None]:
    """The largest of any-agent's peak RSS minus native's over ``frameworks``; the interval spans them all."""

    def read(report: dict[str, Any]) -> Reading | None:
        variants = report.get("variants", {})
        deltas = []
        for fw in frameworks:
            ours, native = variants.get(f"any-agent {fw}", {}), variants.get(f"native {fw}", {})
            if "peak_rss_kib" in ours and "peak_rss_kib" in native:
                deltas.append((ours["peak_rss_kib"] - native["peak_rss_kib"]) / 1024)
        return (max(deltas), min(deltas), max(deltas)) if len(deltas) == len(frameworks) else None

    return read


def _at_most(bound: float) -> Callable[[float], bool]:
    return lambda value: value <= bound


GOALS: list[Goal] = [
    *(
        Goal(
            f"any-agent / native, {label}, {scenario}",
            "<= 1.02",
            _ratio(fw, scenario, "ours_over_native"),
            _at_most(1.02),
            "x",
            frameworks=(fw,),
        )
        for fw, label in (("openai", "OpenAI Agents SDK"), ("langgraph", "LangGraph"))
        for scenario in ("short", "long")
    ),
    *(
        Goal(
            f"any-agent / mozilla any-agent 1.18, OpenAI Agents SDK, {scenario}",
            "<= 0.95",
            _ratio("openai", scenario, "ours_over_mozilla"),
            _at_most(0.95),
            "x",
            frameworks=("openai",),
            mozilla=True,
        )
        for scenario in ("short", "long")
    ),
    Goal(
        "`import any_agent` / `import pydantic, opentelemetry.sdk.trace`",
        "<= 1.2",
        _startup_ratio("import any_agent", "import pydantic, opentelemetry.sdk.trace"),
        _at_most(1.2),
        "x",
        startup=True,
    ),
    Goal(
        # `import any_agent` alone loads nothing (names on first use), so the goal is read on the import
        # a program really does too: what the first `AgentConfig` line costs.
        "`from any_agent import Agent, AgentConfig` / `import pydantic, opentelemetry.sdk.trace`",
        "<= 1.2",
        _startup_ratio("from any_agent import Agent, AgentConfig", "import pydantic, opentelemetry.sdk.trace"),
        _at_most(1.2),
        "x",
        startup=True,
    ),
    Goal(
        "`any-agent --help`, whole process",
        "<= 250 ms",
        _process_ms("any-agent --help"),
        _at_most(250),
        " ms",
        startup=True,
    ),
    Goal(
        "concurrency, OpenAI Agents SDK, 100 runs: any-agent / native runs/s",
        ">= 1.0",
        _concurrency("openai", 100),
        lambda value: value >= 1.0,
        "x",
        frameworks=("openai",),
        concurrency=100,
    ),
    Goal(
        "peak RSS above native, worst of OpenAI / LangGraph / CrewAI",
        "<= +10 MiB",
        _rss_above_native(("openai", "langgraph", "crewai")),
        _at_most(10),
        " MiB",
        frameworks=("openai", "langgraph", "crewai"),
    ),
]


def goal_frameworks() -> list[str]:
    """The frameworks the goals measure, in the order they first appear."""
    return list(dict.fromkeys(fw for goal in GOALS for fw in goal.frameworks))


def concurrency_frameworks() -> list[str]:
    return list(dict.fromkeys(fw for goal in GOALS if goal.concurrency for fw in goal.frameworks))


def mozilla_frameworks() -> list[str]:
    return list(dict.fromkeys(fw for goal in GOALS if goal.mozilla for fw in goal.frameworks))


def _show(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}"
    if unit == " MiB":
        return f"{value:+.1f}{unit}"
    return f"{value:.0f}{unit}"


def verdict_rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, now [interval], goal, met / not met / not measured) for every goal."""
    rows = []
    for goal in GOALS:
        reading = goal.read(report)
        if reading is None:
            rows.append((goal.measure, "-", goal.goal, "not measured"))
            continue
        value, low, high = reading
        now = _show(value, goal.unit)
        if low is not None and high is not None:
            now += f" [{_show(low, goal.unit)} to {_show(high, goal.unit)}]"
        rows.append((goal.measure, now, goal.goal, "met" if goal.met(value) else "NOT MET"))
    return rows


def verdict(report: dict[str, Any]) -> str:
    """The verdict as a markdown table (one screen: one line a goal)."""
    lines = ["| measure | now [interval] | goal | verdict |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in verdict_rows(report)]
    met = sum(row[3] == "met" for row in verdict_rows(report))
    lines += [
        "",
        f"{met} of {len(GOALS)} goals met. Intervals: ratios of medians, 95% bootstrap; the --help time, its "
        "IQR; concurrency, the worst and best pairing of the repeats; RSS, the range over the frameworks.",
    ]
    return "\n".join(lines) + "\n"
