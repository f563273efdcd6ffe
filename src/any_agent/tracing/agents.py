"""The agents of one trace: which spans each agent's run made, and what each cost.

A run that used other agents as tools holds their ``invoke_agent`` spans (and everything under
them) too, so its totals are the whole run's; this module splits them back per agent, each model
call counted for the nearest ``invoke_agent`` span above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from any_agent.model.types import Usage
from any_agent.tracing import attributes as attr

if TYPE_CHECKING:
    from any_agent.tracing.trace import SpanRecord

__all__ = ["AgentRun", "agent_runs", "span_tree"]


@dataclass
class AgentRun:
    """One agent's run within a trace (the root run, or an agent used as a tool)."""

    name: str
    framework: str | None
    span_id: str
    depth: int
    """0 for the outermost agent, 1 for an agent it called as a tool, and so on."""
    usage: Usage = field(default_factory=Usage)
    """Tokens of this agent's own model calls (not those of agents it called)."""
    cost: float | None = 0.0
    """USD of this agent's own model calls; None when any of them has an unknown price."""
    model_calls: int = 0


def _nearest_agent(spans: Sequence[SpanRecord]) -> dict[str, str | None]:
    """Each span's nearest ``invoke_agent`` span, itself included (by span id; None above the root)."""
    by_id = {span.span_id: span for span in spans}
    nearest: dict[str, str | None] = {}
    for span in spans:
        path: list[str] = []
        current: str | None = span.span_id
        found: str | None = None
        while current is not None and current in by_id:
            if current in nearest:
                found = nearest[current]
                break
            if by_id[current].operation == attr.OP_INVOKE_AGENT:
                found = current
                break
            path.append(current)
            current = by_id[current].parent_id
        if found is not None and found not in nearest:
            nearest[found] = found
        nearest.update(dict.fromkeys(path, found))
    return nearest


def agent_runs(spans: Sequence[SpanRecord]) -> list[AgentRun]:
    """The agents' runs in a trace, in start order, each with its own usage and cost."""
    nearest = _nearest_agent(spans)
    by_id = {span.span_id: span for span in spans}

    def depth(span: SpanRecord) -> int:
        above = nearest.get(span.parent_id) if span.parent_id is not None else None
        return 0 if above is None else 1 + depth(by_id[above])

    runs: dict[str, AgentRun] = {}
    for span in spans:
        if span.operation == attr.OP_INVOKE_AGENT:
            framework = span.attributes.get(attr.FRAMEWORK)
            runs[span.span_id] = AgentRun(
                name=str(span.attributes.get(attr.AGENT_NAME, span.name)),
                framework=framework if isinstance(framework, str) else None,
                span_id=span.span_id,
                depth=depth(span),
            )
    for span in spans:
        owner = runs.get(nearest.get(span.span_id) or "")
        if span.operation != attr.OP_CHAT or owner is None:
            continue
        owner.model_calls += 1
        tokens = Usage(int(span.attributes.get(attr.INPUT_TOKENS, 0)), int(span.attributes.get(attr.OUTPUT_TOKENS, 0)))
        owner.usage += tokens
        cost = span.attributes.get(attr.COST)
        owner.cost = owner.cost + cost if owner.cost is not None and isinstance(cost, int | float) else None
    return list(runs.values())


def span_tree(spans: Sequence[SpanRecord]) -> list[dict[str, Any]]:
    """The ``invoke_agent``/``chat``/``execute_tool`` spans as a nested tree of ``{"name", "children"}``.

    Framework-specific spans are left out (their children move up to the nearest core span), and
    siblings are sorted by name: what nests under what, independent of timing and framework.
    """
    core = {attr.OP_INVOKE_AGENT, attr.OP_CHAT, attr.OP_EXECUTE_TOOL}
    by_id = {span.span_id: span for span in spans}
    children: dict[str | None, list[SpanRecord]] = {}
    for span in spans:
        if span.operation not in core:
            continue
        parent = span.parent_id
        while parent is not None and parent in by_id and by_id[parent].operation not in core:
            parent = by_id[parent].parent_id
        children.setdefault(parent if parent in by_id else None, []).append(span)

    def build(parent: str | None) -> list[dict[str, Any]]:
        nodes = [{"name": span.name, "children": build(span.span_id)} for span in children.get(parent, [])]
        return sorted(nodes, key=lambda node: repr(node))

    return build(None)
