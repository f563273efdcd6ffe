"""Deciding each check on a finished run: pass or fail, and a reason a person can act on.

Every check reads the same things for every framework: the final output and the trace's spans, so a
verdict never depends on which framework ran the agent. The judge is the one check that calls a
model; it lives in `any_agent.eval.judge`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from any_agent.cli.compare import RunResult
from any_agent.eval.cases import Contains, Equals, JsonSchema, MaxCost, MaxTurns, Regex, ToolCalled
from any_agent.tracing import attributes as attr

__all__ = ["CheckResult", "answer_text", "decide"]

_SHOWN = 80


class CheckResult(BaseModel):
    """One check's verdict on one run."""

    kind: str
    passed: bool
    reason: str
    """Why it passed or failed, in one line."""


def answer_text(output: Any) -> str:
    """The answer as text: a string as is, a structured output as compact JSON."""
    if output is None:
        return ""
    if isinstance(output, str):
        return output
    return json.dumps(output, ensure_ascii=False, sort_keys=True, default=str)


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _json_value(output: Any) -> tuple[bool, Any]:
    if not isinstance(output, str):
        return True, output
    try:
        return True, json.loads(output)
    except ValueError:
        return False, None


def _subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and _subset(value, actual[key]) for key, value in expected.items()
        )
    return bool(expected == actual)


def _tool_calls(run: RunResult) -> list[tuple[str, Any]]:
    if run.trace is None:
        return []
    calls = []
    for span in run.trace.operation_spans(attr.OP_EXECUTE_TOOL):
        arguments = span.attributes.get(attr.TOOL_CALL_ARGUMENTS)
        if isinstance(arguments, str):
            ok, parsed = _json_value(arguments)
            arguments = parsed if ok else arguments
        calls.append((str(span.attributes.get(attr.TOOL_NAME, "")), arguments))
    return calls


def decide(check: Any, run: RunResult) -> CheckResult:
    """The verdict of one deterministic check (not the judge) on ``run``."""
    kind: str = check.kind
    passed, reason = _decide(check, run)
    return CheckResult(kind=kind, passed=passed, reason=reason)


def _decide(check: Any, run: RunResult) -> tuple[bool, str]:
    text = answer_text(run.final_output)
    if isinstance(check, Contains):
        found = check.text.lower() in text.lower() if check.ignore_case else check.text in text
        return found, f"{'contains' if found else 'does not contain'} {check.text!r}"
    if isinstance(check, Regex):
        match = re.search(check.pattern, text)
        if match:
            return True, f"matches /{check.pattern}/ at {match.group(0)!r}"
        return False, f"no match for /{check.pattern}/ in {_short(text)!r}"
    if isinstance(check, Equals):
        if isinstance(check.value, str) and isinstance(run.final_output, str):
            same = check.value.strip() == run.final_output.strip()
        else:
            same = _json_value(run.final_output) == (True, check.value)
        return same, "equal" if same else f"expected {_short(answer_text(check.value))!r}, got {_short(text)!r}"
    if isinstance(check, JsonSchema):
        return _schema_check(check, run.final_output)
    if isinstance(check, ToolCalled):
        calls = _tool_calls(run)
        named = [arguments for name, arguments in calls if name == check.name]
        if not named:
            called = sorted({name for name, _ in calls})
            return False, f"{check.name} was not called (called: {', '.join(called) or 'no tool'})"
        if check.arguments is None:
            return True, f"{check.name} called {len(named)} time(s)"
        if any(_subset(check.arguments, arguments) for arguments in named):
            return True, f"{check.name} called with {answer_text(check.arguments)}"
        return False, f"{check.name} never called with {answer_text(check.arguments)} (got {answer_text(named)})"
    if isinstance(check, MaxTurns):
        ok = run.model_calls <= check.turns
        return ok, f"{run.model_calls} model call(s), limit {check.turns}"
    if isinstance(check, MaxCost):
        if run.cost is None:
            return False, "the run's cost is unknown (no price for its model), so the limit cannot be checked"
        return run.cost <= check.cost, f"cost ${run.cost:.6f}, limit ${check.cost:g}"
    raise TypeError(f"not a deterministic check: {check!r}")


def _schema_check(check: JsonSchema, output: Any) -> tuple[bool, str]:
    import jsonschema  # type: ignore[import-untyped]

    parsed, value = _json_value(output)
    if not parsed:
        return False, f"the answer is not JSON: {_short(answer_text(output))!r}"
    errors = sorted(
        jsonschema.validators.validator_for(check.json_schema)(check.json_schema).iter_errors(value),
        key=lambda error: list(error.path),
    )
    if not errors:
        return True, "valid against the schema"
    where = "/".join(str(part) for part in errors[0].path) or "the answer"
    return False, f"{where}: {errors[0].message}"
