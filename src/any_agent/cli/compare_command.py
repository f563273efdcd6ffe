"""``any-agent compare``: the matrix run from the command line, as a table, JSON and an HTML report."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from any_agent.cli import exit_codes
from any_agent.cli.agent_file import load_agent_file
from any_agent.cli.compare import AgentInfo, CellResult, Comparison, EventCallback, RunResult, run_matrix
from any_agent.cli.compare_elsewhere import (
    Elsewhere,
    default_frameworks,
    run_elsewhere,
    run_secrets,
    split_frameworks,
)
from any_agent.cli.compare_live import live_progress
from any_agent.cli.render import TIMES, comparison_view, failures, shorten
from any_agent.cli.run_command import choose_prompt, model_context
from any_agent.errors import ConfigError

__all__ = ["compare_command", "load_results", "split_list", "write_outputs"]


def split_list(value: str | None) -> list[str]:
    """``"a, b,,c"`` → ``["a", "b", "c"]``, keeping the first of duplicates."""
    items = [item.strip() for item in (value or "").split(",")]
    return list(dict.fromkeys(item for item in items if item))


def compare_command(
    path: Path,
    prompt: str | None,
    *,
    frameworks: list[str],
    models: list[str],
    repeat: int,
    concurrency: int,
    timeout: float | None,
    html: Path | None,
    json_out: str | None,
    offline: bool,
    out: Console,
    err: Console,
) -> int:
    """Run the matrix, print the table (to ``err`` when the JSON goes to stdout); return the exit code."""
    if offline and models:
        err.print(Text("error: --offline runs the scripted model; it cannot be combined with --models", style="red"))
        return exit_codes.USAGE
    try:
        agent_file = load_agent_file(path)
    except ConfigError as error:
        err.print(Text(f"error: {error}", style="red"))
        return exit_codes.USAGE
    text = choose_prompt(agent_file, prompt, err)
    if text is None:
        return exit_codes.USAGE
    # The reference loop first: the report aligns the other frameworks' steps against it.
    # Frameworks installed in an environment of their own run there (compare_elsewhere).
    frameworks = frameworks or sorted(default_frameworks(), key=lambda name: (name != "tiny", name))
    local, elsewhere = split_frameworks(frameworks)
    context, is_offline = model_context(agent_file, offline=offline, model_given=bool(models), err=err, prompt=text)
    with context as config:
        matrix = models or [config.model_id]
        comparison = Comparison(
            agent=AgentInfo(name=config.name, file=str(path), prompt=text),
            offline=is_offline,
            frameworks=frameworks,
            models=matrix,
            repeat=repeat,
        )
        total = len(frameworks) * len(matrix) * repeat
        err.print(Text(f"Comparing {len(frameworks)} framework(s){TIMES}{len(matrix)} model(s){TIMES}{repeat} run(s)"))
        done = 0

        def progress(cell: CellResult, result: RunResult) -> None:
            nonlocal done
            done += repeat if cell.error is not None else 1
            mark = Text("✓ ", style="green") if result.status == "ok" else Text("✗ ", style="red")
            line = mark + Text(f"[{min(done, total)}/{total}] {cell.framework}{TIMES}{cell.model}", style="bold")
            if result.status == "ok":
                line += Text(f"  {result.wall_seconds:.2f} s", style="dim")
            else:
                line += Text("  " + shorten(result.error or "failed", 120), style="red")
            err.print(Text("  ") + line, soft_wrap=True)

        # Frameworks that print to stdout would corrupt `--json -`: their chatter goes to stderr.
        with _progress_display(out, err, repeat, json_out) as on_event, contextlib.redirect_stdout(sys.stderr):
            cells = asyncio.run(
                run_matrix(
                    config,
                    text,
                    frameworks=local,
                    models=matrix,
                    repeat=repeat,
                    concurrency=concurrency,
                    time_limit=timeout,
                    on_run=progress,
                    on_event=on_event,
                )
            )
        ask = Elsewhere(path, text, matrix, repeat, concurrency, timeout, is_offline, run_secrets(config, matrix))
        for python in dict.fromkeys(elsewhere.values()):
            names = [framework for framework, where in elsewhere.items() if where == python]
            with err.status(f"running {', '.join(names)} in its own environment ({python.parent.parent})…"):
                for cell in run_elsewhere(python, names, matrix, ask):
                    cells.append(cell)
                    for result in cell.runs or [RunResult.failure(cell.error or "failed")]:
                        progress(cell, result)
        order = {framework.strip().lower(): index for index, framework in enumerate(frameworks)}
        comparison.cells = sorted(cells, key=lambda cell: order.get(cell.framework, len(order)))
    table_console = err if json_out == "-" else out
    table_console.print(comparison_view(comparison, table_console))
    for line in failures(comparison):
        err.print(line, soft_wrap=True)
    write_outputs(comparison, html=html, json_out=json_out, err=err)
    return exit_codes.OK if comparison.all_ok else exit_codes.FAILED


@contextlib.contextmanager
def _progress_display(out: Console, err: Console, repeat: int, json_out: str | None) -> Iterator[EventCallback | None]:
    """On a terminal, a live line per run in flight, fed by streamed runs; elsewhere the runs are not streamed.

    Only when both stdout and stderr are terminals and no ``--json`` is asked for: a pipe, a log
    file or a JSON document gets exactly what it got before, from unstreamed runs.
    """
    if out.is_terminal and err.is_terminal and json_out is None:
        with live_progress(err, repeat) as on_event:
            yield on_event
    else:
        with err.status("running…"):
            yield None


def load_results(path: Path) -> Comparison:
    """Read a ``compare --json`` file; `ValueError` says in one line what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    not_results = f"{path} is not a compare --json results file"
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValueError(f"{not_results}: not JSON ({error})") from None
    if isinstance(data, dict) and "spans" in data and "cells" not in data:
        raise ValueError(f"{not_results}: it is a trace (`any-agent trace show` reads those)")
    try:
        return Comparison.model_validate(data)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in item['loc']) or 'top level'}: {item['msg']}" for item in error.errors()
        ]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValueError(f"{not_results}: {problems[0]}{more}") from None


def write_outputs(comparison: Comparison, *, html: Path | None, json_out: str | None, err: Console) -> None:
    """Write the ``--json`` document (``-`` for stdout) and the ``--html`` report."""
    if json_out == "-":
        sys.stdout.write(comparison.model_dump_json(indent=2) + "\n")
        sys.stdout.flush()
    elif json_out:
        Path(json_out).write_text(comparison.model_dump_json(indent=2) + "\n", encoding="utf-8")
        err.print(Text(f"JSON results written to {json_out}", style="dim"))
    if html is not None:
        from any_agent.cli.report.html import write_report

        write_report(comparison, html)
        err.print(Text(f"HTML report written to {html}", style="dim"))
