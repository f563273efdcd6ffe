"""``any-agent eval``: cases x frameworks x models x repeats, as a table, a JSON document and progress."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from any_agent.cli import exit_codes
from any_agent.cli.agent_file import load_agent_file
from any_agent.cli.run_command import model_context
from any_agent.errors import ConfigError
from any_agent.eval import EvalResults, EvalRun, evaluate_async, load_cases

__all__ = ["eval_command", "results_table"]


def _money(cost: float | None) -> str:
    return "?" if cost is None else f"${cost:.6f}"


def results_table(results: EvalResults) -> Table:
    """One row per framework x model: pass rate, latency, tokens, cost."""
    table = Table(title=f"{results.agent}: {len(results.cases)} case(s), {results.repeats} repeat(s)")
    for name in ("Framework", "Model", "Pass rate", "Passed", "Median s", "p95 s", "Tokens in/out", "Cost"):
        table.add_column(name, justify="left" if name in ("Framework", "Model") else "right")
    for row in results.matrix:
        rate = "-" if row.pass_rate is None else f"{row.pass_rate:.0%}"
        style = "green" if row.pass_rate == 1.0 else "red" if not row.passed else "yellow"
        latency = row.latency
        table.add_row(
            row.framework,
            row.model,
            Text(rate, style=style),
            f"{row.passed}/{len(row.runs)}",
            "-" if latency is None else f"{latency.median:.2f}",
            "-" if latency is None else f"{latency.p95:.2f}",
            f"{row.input_tokens}/{row.output_tokens}",
            _money(row.cost),
        )
    return table


def eval_command(
    agent_path: Path,
    cases_path: Path,
    *,
    frameworks: list[str],
    models: list[str],
    repeats: int,
    concurrency: int,
    per_endpoint: int | None,
    judge: str | None,
    executor: str,
    ray_address: str | None,
    timeout: float | None,
    json_out: str | None,
    offline: bool,
    html: Path | None = None,
    out: Console,
    err: Console,
) -> int:
    """Run the evaluation; return 0 when every run passed, 1 when one failed, 2 when nothing ran."""
    try:
        agent_file = load_agent_file(agent_path)
        cases = load_cases(cases_path)
    except ConfigError as error:
        err.print(Text(f"error: {error}", style="red"))
        return exit_codes.USAGE
    context, is_offline = model_context(agent_file, offline=offline, model_given=bool(models), err=err, prompt=None)
    with context as config:
        total = len(cases) * len(frameworks or [config.framework]) * len(models or [config.model_id]) * repeats
        progress = Progress(
            TextColumn("[bold]eval"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=not err.is_terminal,
            transient=True,
        )
        task = progress.add_task("runs", total=total)

        def advance(run: EvalRun) -> None:
            progress.advance(task)

        try:
            with progress, contextlib.redirect_stdout(sys.stderr):  # frameworks' chatter off stdout
                results = asyncio.run(
                    evaluate_async(
                        config,
                        cases,
                        frameworks=frameworks or None,
                        models=models or None,
                        repeats=repeats,
                        concurrency=concurrency,
                        per_endpoint=per_endpoint,
                        judge=judge,
                        time_limit=timeout,
                        executor="ray" if executor == "ray" else "inprocess",
                        ray_address=ray_address,
                        on_run=advance,
                    )
                )
        except ConfigError as error:
            err.print(Text(f"error: {error}", style="red"))
            return exit_codes.USAGE
    results.agent_file, results.cases_file, results.offline = str(agent_path), str(cases_path), is_offline
    table_console = err if json_out == "-" else out
    table_console.print(results_table(results))
    for cell in results.cells:
        for failure in cell.failures:
            err.print(Text(f"✗ {cell.case_id} {cell.framework} {cell.model} {failure}", style="red"), soft_wrap=True)
    if json_out == "-":
        sys.stdout.write(results.model_dump_json(indent=2) + "\n")
    elif json_out:
        Path(json_out).write_text(results.model_dump_json(indent=2) + "\n", encoding="utf-8")
        err.print(Text(f"JSON results written to {json_out}", style="dim"))
    if html is not None:
        from any_agent.cli.report.eval_html import write_eval_report

        write_eval_report(results, html)
        err.print(Text(f"HTML report written to {html}", style="dim"))
    return exit_codes.OK if results.all_passed else exit_codes.FAILED
