"""Terminal rendering with rich: live progress lines, summaries, the comparison table, trace trees.

Everything a model or a tool produced is untrusted text: it is always wrapped in `rich.text.Text`,
never interpreted as rich markup, so ``[bold]`` or escape codes in an answer print as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from any_agent.cli.align import Difference
from any_agent.cli.compare import CellResult, Comparison, Spread, cost_of
from any_agent.cli.numbers import format_cost
from any_agent.tracing import attributes as attr
from any_agent.tracing.trace import AgentTrace, SpanRecord

__all__ = [
    "NONE",
    "TIMES",
    "comparison_table",
    "comparison_view",
    "difference_view",
    "failures",
    "format_output",
    "prompt_difference_view",
    "shorten",
    "span_line",
    "summary_line",
    "trace_tree",
]

TIMES = " \u00d7 "
"""Between a framework and a model (a multiplication sign: each cell of the matrix)."""
NONE = "\u2013"
"""A value that does not exist (an en dash)."""

_STATUS_STYLE = {"ok": "green", "failed": "red", "partial": "yellow"}


def shorten(value: Any, width: int = 80) -> str:
    """One line of at most ``width`` characters (JSON for non-text values)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def format_output(value: Any) -> str:
    """A final output for display: text as is, structured output as indented JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _loads(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _tool_calls(span: SpanRecord) -> list[str]:
    output = _loads(span.attributes.get(attr.OUTPUT_MESSAGES)) or []
    calls = []
    for message in output if isinstance(output, list) else []:
        for part in message.get("parts", []) if isinstance(message, dict) else []:
            if part.get("type") == "tool_call":
                calls.append(f"{part.get('name')}({shorten(part.get('arguments') or {}, 60)})")
    return calls


def _answer_text(span: SpanRecord) -> str:
    output = _loads(span.attributes.get(attr.OUTPUT_MESSAGES)) or []
    texts = []
    for message in output if isinstance(output, list) else []:
        for part in message.get("parts", []) if isinstance(message, dict) else []:
            if part.get("type") == "text":
                texts.append(str(part.get("content", "")))
    return "".join(texts)


def _tokens(span: SpanRecord) -> str:
    tokens_in = span.attributes.get(attr.INPUT_TOKENS)
    tokens_out = span.attributes.get(attr.OUTPUT_TOKENS)
    return f"{tokens_in} in / {tokens_out} out" if tokens_in is not None else ""


def span_line(span: SpanRecord, turn: int | None = None) -> Text | None:
    """One progress line for a finished ``chat`` or ``execute_tool`` span (None for other spans)."""
    failed = span.status == "ERROR"
    mark = Text("✗ " if failed else "✓ ", style="red" if failed else "green")
    took = Text(f"  {_seconds(span.duration.total_seconds())}", style="dim")
    if span.operation == attr.OP_CHAT:
        line = mark + Text(f"model call {turn or ''}".rstrip(), style="bold") + Text(f" {span.name}", style="dim")
        if failed:
            return line + Text(f"  failed: {shorten(span.status_description or '', 120)}", style="red") + took
        calls = _tool_calls(span)
        said = _answer_text(span)
        if calls:
            line += Text("  → calls ") + Text(", ".join(calls), style="cyan")
        if said:
            line += Text("  → answers ") + Text(shorten(said, 80), style="italic")
        return line + Text(f"  {_tokens(span)}", style="dim") + took
    if span.operation == attr.OP_EXECUTE_TOOL:
        name = str(span.attributes.get(attr.TOOL_NAME, span.name))
        arguments = shorten(_loads(span.attributes.get(attr.TOOL_CALL_ARGUMENTS)) or {}, 60)
        result = shorten(str(span.attributes.get(attr.TOOL_CALL_RESULT, "")), 80)
        line = mark + Text("tool ", style="bold") + Text(f"{name}({arguments})", style="cyan")
        return line + Text(" → ") + Text(result, style="red" if failed else "") + took
    return None


def summary_line(trace: AgentTrace) -> Text:
    """Turns, tool calls, tokens, cost and time of a run, on one line."""
    turns = len(trace.operation_spans(attr.OP_CHAT))
    tools = len(trace.operation_spans(attr.OP_EXECUTE_TOOL))
    usage = trace.usage
    cost = cost_of(trace)
    parts = [
        f"{turns} turn{'s' if turns != 1 else ''}",
        f"{tools} tool call{'s' if tools != 1 else ''}",
        f"{usage.input_tokens} in / {usage.output_tokens} out tokens",
        f"cost {format_cost(cost)}",
        _seconds(trace.duration.total_seconds()),
    ]
    line = Text(" · ".join(parts), style="bold")
    agents = trace.agents
    if len(agents) > 1:  # agents used as tools: the totals above are theirs too, and here is who spent what
        for run in agents:
            framework = f" [{run.framework}]" if run.framework else ""
            line += Text(
                f"\n{'  ' * (run.depth + 1)}{run.name}{framework}: {run.model_calls} model "
                f"call{'s' if run.model_calls != 1 else ''} · {run.usage.input_tokens} in / "
                f"{run.usage.output_tokens} out tokens · cost {format_cost(run.cost if run.model_calls else None)}",
                style="dim",
            )
    return line


def _number(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{value:g}"


def _wall(spread: Spread | None, repeat: int, *, range_below: bool = False) -> str:
    if spread is None:
        return NONE
    if repeat <= 1 or spread.min == spread.max:
        return _seconds(spread.median)
    separator = "\n" if range_below else " "
    return f"{_seconds(spread.median)}{separator}({_seconds(spread.min)}{NONE}{_seconds(spread.max)})"


def _status(cell: CellResult) -> Text:
    if cell.status == "partial":
        ok = sum(run.status == "ok" for run in cell.runs)
        return Text(f"partial {ok}/{len(cell.runs)}", style=_STATUS_STYLE["partial"])
    return Text(cell.status, style=_STATUS_STYLE[cell.status])


WIDE_TABLE = 120
"""Below this many columns the answers go under the table: an answer column squeezed any narrower
prints one word per line and pushes the numbers into ellipses."""


def comparison_view(comparison: Comparison, console: Console) -> RenderableType:
    """The comparison table fitted to the console's width; the answers below it when it is narrow.

    The wide table (answers in a column) is used only when every column fits at its minimum width:
    rich would otherwise crop the numbers at the right edge.
    """
    width = console.width
    if width >= max(WIDE_TABLE, _wide_minimum(comparison)):
        return comparison_table(comparison, output_width=max(32, min(80, width - 100)))
    return Group(_narrow_table(comparison), Text(""), *_answers(comparison))


def _wide_minimum(comparison: Comparison) -> int:
    """The width the wide table needs without folding a name into slivers or cropping a number."""
    numbers = [[str(cell) for cell in _numbers(each, comparison.repeat)] for each in comparison.cells]
    headers = ["Model calls", "Tool calls", "In tokens", "Out tokens", "Cost", "Wall time (median, range)"]
    widths = [max([len(header), *(len(row[index]) for row in numbers)]) for index, header in enumerate(headers)]
    if comparison.repeat <= 1:
        widths[-1] = max([len("Wall time"), *(len(row[-1]) for row in numbers)])
    names = [len(each.framework) for each in comparison.cells] + [len("Framework")]
    models = [len(_model_label(each.model, comparison.offline)) for each in comparison.cells]
    statuses = [len(_status(each)) for each in comparison.cells] + [len("Status")]
    text = max(names) + min(max(models, default=5), 20) + max(statuses) + 16  # 16: the answer column's minimum
    return text + sum(widths) + 3 * (4 + len(widths)) + 1


def comparison_table(comparison: Comparison, *, output_width: int = 48) -> Table:
    """One row per cell: status, answer, counts, tokens, cost, wall time (median and range)."""
    table = Table(title=_title(comparison), title_justify="left", show_lines=False)
    table.add_column("Framework", style="bold", overflow="fold")
    table.add_column("Model", overflow="fold")
    table.add_column("Status", overflow="fold")
    table.add_column("Final output", min_width=16, max_width=output_width, overflow="fold")
    for header in ("Model calls", "Tool calls", "In tokens", "Out tokens", "Cost"):
        table.add_column(header, justify="right", no_wrap=True)
    wall = "Wall time" + (" (median, range)" if comparison.repeat > 1 else "")
    table.add_column(wall, justify="right", no_wrap=True)
    for cell in comparison.cells:
        names = [Text(cell.framework), Text(_model_label(cell.model, comparison.offline))]
        table.add_row(*names, _status(cell), _output(cell, output_width * 2), *_numbers(cell, comparison.repeat))
    return table


def _narrow_table(comparison: Comparison) -> Table:
    """The numbers only, with short headers and light borders: it fits 80 columns."""
    one_model = len(comparison.models) == 1
    title = _title(comparison)
    if one_model:
        title += Text(f" on {_model_label(comparison.models[0], comparison.offline)}")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    names = [cell.framework if one_model else f"{cell.framework}{TIMES}{cell.model}" for cell in comparison.cells]
    widest = max((len(name) for name in names), default=9)
    header = "Framework" if one_model else f"Framework{TIMES}model"
    table.add_column(header, style="bold", overflow="fold", min_width=min(widest, 16))
    table.add_column("Status", overflow="fold")
    for header in ("Calls", "Tools", "In", "Out", "Cost"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("Time", justify="right", no_wrap=True)
    for name, cell in zip(names, comparison.cells, strict=True):
        table.add_row(Text(name), _status(cell), *_numbers(cell, comparison.repeat, range_below=True))
    table.caption = Text("Calls: model calls · Tools: tool calls · In / Out: tokens · Time: wall time", style="dim")
    table.caption_justify = "left"
    return table


def _title(comparison: Comparison) -> Text:
    return Text(f"{comparison.agent.name}: {shorten(comparison.agent.prompt, 70)}")


def _numbers(cell: CellResult, repeat: int, *, range_below: bool = False) -> list[RenderableType]:
    """Counts, tokens, cost, wall time; an en dash for a cell that never ran."""
    summary = cell.summary
    if summary.model_calls is None:
        return [NONE] * 6
    return [
        _number(summary.model_calls),
        _number(summary.tool_calls),
        _number(summary.input_tokens),
        _number(summary.output_tokens),
        format_cost(summary.cost),
        _wall(summary.wall_seconds, repeat, range_below=range_below),
    ]


def _output(cell: CellResult, width: int) -> Text:
    if cell.status == "failed":
        return Text(shorten(cell.failure_reason or "failed", width), style="red")
    return Text(shorten(cell.summary.final_output, width))


def _answers(comparison: Comparison) -> list[Text]:
    """Each cell's answer in full (folded by the terminal), an identical one as "same as ..."."""
    lines = [Text("Final outputs", style="bold")]
    seen: dict[str, str] = {}
    one_model = len(comparison.models) == 1
    for cell in comparison.cells:
        label = Text(f"{cell.framework}: " if one_model else f"{cell.framework}{TIMES}{cell.model}: ", style="bold")
        if cell.status == "failed":
            lines.append(label + Text("failed (the reason follows)", style="red"))
            continue
        answer = format_output(cell.summary.final_output)
        key = " ".join(answer.split())
        if key in seen:
            lines.append(label + Text(f"same as {seen[key]}", style="dim"))
        else:
            seen[key] = cell.framework
            lines.append(label + Text(answer))
    return lines


def _model_label(model: str, offline: bool) -> str:
    return f"{model} (offline)" if offline else model


def failures(comparison: Comparison) -> list[Text]:
    """The full reason of each failed or partial cell."""
    lines = []
    for cell in comparison.cells:
        reason = cell.failure_reason
        if cell.status != "ok" and reason:
            lines.append(Text(f"{cell.framework}{TIMES}{cell.model}: ", style="bold red") + Text(reason))
    return lines


def trace_tree(trace: AgentTrace, *, width: int = 100) -> Tree:
    """The spans of one trace as a tree, each with what it did."""
    children: dict[str | None, list[SpanRecord]] = {}
    ids = {span.span_id for span in trace.spans}
    for span in trace.spans:
        parent = span.parent_id if span.parent_id in ids else None
        children.setdefault(parent, []).append(span)
    framework = f" [{trace.framework}]" if trace.framework else ""
    tree = Tree(Text(f"trace{framework}: {len(trace.spans)} spans", style="bold"))

    def add(node: Tree, span: SpanRecord) -> None:
        branch = node.add(_span_label(span))
        for detail in _span_details(span, width):
            branch.add(detail)
        for child in children.get(span.span_id, []):
            add(branch, child)

    for root in children.get(None, []):
        add(tree, root)
    return tree


def _span_label(span: SpanRecord) -> Text:
    failed = span.status == "ERROR"
    label = Text(span.name, style="bold red" if failed else "bold")
    if span.operation == attr.OP_INVOKE_AGENT and span.attributes.get(attr.FRAMEWORK):
        label += Text(f" [{span.attributes[attr.FRAMEWORK]}]")
    label += Text(f"  {_seconds(span.duration.total_seconds())}", style="dim")
    if span.operation == attr.OP_CHAT:
        label += Text(f"  {_tokens(span)}", style="dim")
    if failed:
        label += Text(f"  ERROR: {shorten(span.status_description or '', 120)}", style="red")
    return label


def _span_details(span: SpanRecord, width: int) -> list[Text]:
    details: list[Text] = []
    if span.operation == attr.OP_CHAT:
        calls = _tool_calls(span)
        details.extend(Text("calls ", style="dim") + Text(shorten(call, width), style="cyan") for call in calls)
        said = _answer_text(span)
        if said:
            details.append(Text("says ", style="dim") + Text(shorten(said, width)))
    elif span.operation == attr.OP_EXECUTE_TOOL:
        arguments = _loads(span.attributes.get(attr.TOOL_CALL_ARGUMENTS))
        details.append(Text("arguments ", style="dim") + Text(shorten(arguments or {}, width), style="cyan"))
        if attr.TOOL_CALL_RESULT in span.attributes:
            result = shorten(str(span.attributes[attr.TOOL_CALL_RESULT]), width)
            details.append(Text("result ", style="dim") + Text(result, style="red" if span.status == "ERROR" else ""))
    details.extend(
        Text(f"event {event.name} ", style="yellow") + Text(shorten(event.attributes, width)) for event in span.events
    )
    return details


def _first_status(steps: Sequence[dict[str, Any]]) -> str:
    """The status of a run's root step (its outcome)."""
    return str(steps[0].get("status")) if steps else ""


def prompt_difference_view(prompts: Sequence[str | None], names: Sequence[str]) -> RenderableType:
    """``trace diff``: the two runs were asked different things, so no step difference means much."""
    table = Table(show_lines=True, title=Text("The runs answer different prompts.", style="bold yellow"))
    table.title_justify = "left"
    for name in names:
        table.add_column(name, overflow="fold")
    table.add_row(*(Text("(not in the trace)" if prompt is None else prompt) for prompt in prompts))
    return table


def difference_view(
    difference: Difference | None, left: Sequence[dict[str, Any]], right: Sequence[dict[str, Any]], names: Sequence[str]
) -> RenderableType:
    """``trace diff``'s answer: identical, or the first differing step with both sides."""
    if difference is None:
        return Text(f"The normalized traces are identical ({len(left)} steps).", style="green bold")
    header = Text(
        f"The normalized traces first differ at step {difference.index} "
        f"({names[0]}: {len(left)} steps, {names[1]}: {len(right)} steps).",
        style="bold yellow",
    )
    if difference.index:
        same = Text(f"Steps 0 to {difference.index - 1} are the same", style="dim")
        if left and right and _first_status(left) != _first_status(right):
            same += Text(f" (but for the run's outcome: {_first_status(left)} / {_first_status(right)})", style="dim")
        same += Text(".", style="dim")
    else:
        same = Text("They differ from the first step.", style="dim")
    table = Table(show_lines=True)
    table.add_column("Field", style="bold")
    table.add_column(names[0], overflow="fold")
    table.add_column(names[1], overflow="fold")
    shown = ["operation", "name", *[field for field in difference.fields if field not in {"operation", "name"}]]
    for field in shown:
        left_value = "(no step)" if difference.left is None else shorten(difference.left.get(field), 400)
        right_value = "(no step)" if difference.right is None else shorten(difference.right.get(field), 400)
        style = "yellow" if field in difference.fields else "dim"
        table.add_row(Text(field, style=style), Text(left_value), Text(right_value))
    return Group(header, same, table)
