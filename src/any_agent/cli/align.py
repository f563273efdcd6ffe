"""Where normalized traces differ: the first difference of two, and an alignment of many.

Both work on `AgentTrace.normalized` steps. `first_difference` answers ``trace diff``; `align`
lines several runs up against a reference for the report's divergence view, so that one extra tool
call in one run shows as one inserted step rather than as every later step differing.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from any_agent.tracing import attributes as attr

__all__ = ["Difference", "Slot", "align", "changed_fields", "first_difference", "step_key"]

Step = dict[str, Any]


@dataclass(frozen=True)
class Difference:
    """The first step at which two step lists differ."""

    index: int
    """0-based step index."""
    left: Step | None
    """The step of the first trace there (None: it has no more steps)."""
    right: Step | None
    fields: list[str]
    """The step fields whose values differ (every field of the present step when one side is missing)."""

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form (``trace diff --json``)."""
        return {"index": self.index, "left": self.left, "right": self.right, "fields": self.fields}


def changed_fields(left: Step, right: Step, *, ignore: Sequence[str] = ()) -> list[str]:
    """Fields whose values differ, in a stable order (``operation`` and ``name`` first)."""
    keys = [key for key in (*left, *(key for key in right if key not in left)) if key not in ignore]
    return [key for key in keys if _canonical(left.get(key)) != _canonical(right.get(key))]


def first_difference(left: Sequence[Step], right: Sequence[Step]) -> Difference | None:
    """The first index at which the steps differ, or None when the lists are equal.

    The root ``invoke_agent`` step comes first but carries the run's outcome: a failed run's root
    differs from a successful one's at step 0 only because of what happened later. A difference in
    the root's status alone is reported only when no later step differs, so a failed run shows
    where it really diverged.
    """
    outcome: Difference | None = None
    for index in range(max(len(left), len(right))):
        a = left[index] if index < len(left) else None
        b = right[index] if index < len(right) else None
        if a is None or b is None:
            present = a if a is not None else b
            return Difference(index, a, b, list(present or {}))
        fields = changed_fields(a, b)
        if fields == ["status"] and a.get("operation") == attr.OP_INVOKE_AGENT:
            outcome = outcome or Difference(index, a, b, fields)
        elif fields:
            return Difference(index, a, b, fields)
    return outcome


def step_key(step: Step) -> str:
    """What must match for two steps to be aligned: the operation, and which tools it involves.

    A ``chat`` step is keyed by the tools it asks for (or as an answer), not by its name: the name
    carries the model, which legitimately differs across models. Steps whose keys differ can still
    end up side by side (marked as differing) when nothing better lines up.
    """
    operation = str(step.get("operation"))
    if operation == attr.OP_CHAT:
        calls = sorted(str(call.get("name")) for call in step.get("tool_calls") or [] if isinstance(call, dict))
        return f"{operation}->{','.join(calls)}" if calls else f"{operation}:answer"
    return f"{operation}:{step.get('name')}"


@dataclass
class Slot:
    """One run's step in one row of an alignment."""

    index: int
    """The step's index in its own run."""
    step: Step
    differs: list[str] = field(default_factory=list)
    """Fields that differ from the reference's step in the same row."""
    extra: bool = False
    """The reference has no step in this row: the run made a step the reference did not."""

    def to_json(self) -> dict[str, Any]:
        """As embedded in the HTML report."""
        return {"index": self.index, "step": self.step, "differs": self.differs, "extra": self.extra}


def align(runs: Sequence[Sequence[Step]], reference: int = 0) -> list[list[Slot | None]]:
    """Rows of aligned steps, one column per run; None where a run has no step in that row.

    Each run is aligned to ``runs[reference]`` by `step_key` (difflib's matching). Steps a run has
    and the reference lacks get rows of their own, after the reference step they follow.
    """
    if not runs:
        return []
    ref = runs[reference]
    # paired[r][i]: run r's step aligned with reference step i; inserted[r][i]: run r's extra steps
    # after reference step i - 1 (i == 0: before the first).
    paired: list[list[int | None]] = []
    inserted: list[list[list[int]]] = []
    for steps in runs:
        pairs: list[int | None] = [None] * len(ref)
        extras: list[list[int]] = [[] for _ in range(len(ref) + 1)]
        matcher = difflib.SequenceMatcher(None, [step_key(s) for s in ref], [step_key(s) for s in steps], False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            common = min(i2 - i1, j2 - j1) if tag in {"equal", "replace"} else 0
            for offset in range(common):
                pairs[i1 + offset] = j1 + offset
            extras[i2].extend(range(j1 + common, j2))
        paired.append(pairs)
        inserted.append(extras)

    rows: list[list[Slot | None]] = []
    ignore = ("name",)  # chat span names carry the model; tool names are in the key already
    for position in range(len(ref) + 1):
        depth = max(len(extras[position]) for extras in inserted)
        for level in range(depth):
            row: list[Slot | None] = []
            for run, extras in enumerate(inserted):
                if level < len(extras[position]):
                    index = extras[position][level]
                    row.append(Slot(index, dict(runs[run][index]), differs=list(runs[run][index]), extra=True))
                else:
                    row.append(None)
            rows.append(row)
        if position == len(ref):
            break
        base = ref[position]
        row = []
        for run, pairs in enumerate(paired):
            match = pairs[position]
            if match is None:
                row.append(None)
            else:
                step = runs[run][match]
                row.append(Slot(match, dict(step), differs=changed_fields(base, step, ignore=ignore)))
        rows.append(row)
    return rows


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
