"""``any-agent trace show`` and ``any-agent trace diff``: reading saved traces."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from any_agent.cli import exit_codes
from any_agent.cli.align import first_difference
from any_agent.cli.render import difference_view, format_output, prompt_difference_view, summary_line, trace_tree
from any_agent.tracing import attributes as attr
from any_agent.tracing.trace import AgentTrace

__all__ = ["DIFF_SCHEMA_VERSION", "load_trace", "prompt_of", "trace_diff_command", "trace_show_command"]

DIFF_SCHEMA_VERSION = 1


def load_trace(path: Path) -> AgentTrace:
    """Read a trace saved by ``run --trace-out`` or `AgentTrace.save`; `ValueError` says what is wrong.

    Any JSON object would validate as an (empty) `AgentTrace`, so a trace must also have its root
    ``invoke_agent`` span: every saved run has one, even a run that failed at once.
    """
    not_a_trace = f"{path} is not an any-agent trace (saved with run --trace-out)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read trace file {path}: {error.strerror}") from None
    except ValueError as error:
        raise ValueError(f"{not_a_trace}: not JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("spans"), list):
        hint = " (it is a compare --json results file: `any-agent report` reads those)" if _is_results(data) else ""
        raise ValueError(f'{not_a_trace}: it has no "spans" list{hint}')
    try:
        trace = AgentTrace.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{not_a_trace}: {where}: {first['msg']}") from None
    if trace.root is None:
        raise ValueError(f"{not_a_trace}: it has no invoke_agent span")
    return trace


def _is_results(data: object) -> bool:
    return isinstance(data, dict) and "cells" in data and "schema_version" in data


def trace_show_command(path: Path, *, width: int, out: Console, err: Console) -> int:
    """Print one trace as a tree, then its final output and totals."""
    try:
        trace = load_trace(path)
    except ValueError as error:
        err.print(Text(f"error: {error}", style="red"))
        return exit_codes.USAGE
    out.print(trace_tree(trace, width=width))
    root = trace.root
    if root is not None and root.status == "ERROR":
        out.print(Text("Run failed: ", style="bold red") + Text(root.status_description or ""))
    elif trace.final_output is not None:
        out.print(Text("Final output:", style="bold"))
        out.print(Text(format_output(trace.final_output)), soft_wrap=True)
    out.print(summary_line(trace))
    return exit_codes.OK


def trace_diff_command(left_path: Path, right_path: Path, *, as_json: bool, out: Console, err: Console) -> int:
    """Show where two traces' normalized steps first differ; exit 0 when they are identical, 1 otherwise."""
    try:
        left, right = load_trace(left_path), load_trace(right_path)
    except ValueError as error:
        err.print(Text(f"error: {error}", style="red"))
        return exit_codes.USAGE
    left_steps, right_steps = left.normalized(), right.normalized()
    difference = first_difference(left_steps, right_steps)
    prompts = (prompt_of(left), prompt_of(right))
    same_prompt = prompts[0] == prompts[1]
    if as_json:
        document = {
            "schema_version": DIFF_SCHEMA_VERSION,
            "identical": difference is None and same_prompt,
            "left": {"file": str(left_path), "framework": left.framework, "steps": len(left_steps)},
            "right": {"file": str(right_path), "framework": right.framework, "steps": len(right_steps)},
            "prompt": {"same": same_prompt, "left": prompts[0], "right": prompts[1]},
            "difference": None if difference is None else difference.to_json(),
        }
        sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")
        sys.stdout.flush()
    else:
        names = [_label(left_path, left), _label(right_path, right)]
        if names[0] == names[1]:  # same file name in two folders: show the paths
            names = [_label(left_path, left, full=True), _label(right_path, right, full=True)]
        if not same_prompt:
            out.print(prompt_difference_view(prompts, names))
        out.print(difference_view(difference, left_steps, right_steps, names))
    return exit_codes.OK if difference is None and same_prompt else exit_codes.DIFFERENT


def prompt_of(trace: AgentTrace) -> str | None:
    """The user's last message in the run's input, or None when the trace does not hold the content."""
    root = trace.root
    raw = root.attributes.get(attr.INPUT_MESSAGES) if root is not None else None
    try:
        messages = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    users = [m for m in messages or [] if isinstance(m, dict) and m.get("role") == "user"]
    if not users:
        return None
    parts = users[-1].get("parts") or []
    texts = [part.get("content", "") for part in parts if isinstance(part, dict) and part.get("type") == "text"]
    return "".join(str(text) for text in texts)


def _label(path: Path, trace: AgentTrace, *, full: bool = False) -> str:
    name = str(path) if full else path.name
    return f"{name} ({trace.framework})" if trace.framework else name
