"""The ``any-agent`` command: typer wiring only; each command's logic lives in its own module.

Heavy imports (frameworks, any-llm) happen inside the commands, so ``--help`` stays instant.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from any_agent.cli import exit_codes
from any_agent.cli.pipes import PipeSafeConsole, silence_output

if TYPE_CHECKING:
    from typer import _click as click  # the click typer ships and builds its commands on

__all__ = ["app"]


class _Command(TyperCommand):
    """Help as people read it.

    ``AGENT_FILE [PROMPT]`` in the usage line, nothing after a flag, and paragraphs that wrap at the
    terminal's width rather than where the docstring's lines end.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.help:
            paragraphs = inspect.cleandoc(self.help).split("\n\n")
            self.help = "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return _no_flag_types(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.display_name_raw.upper()
                pieces.append(name if param.required else f"[{name}]")  # typer writes {agent_file}
        return pieces


class _Group(TyperGroup):
    """The command groups' own ``--help`` without "<bool>"."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return _no_flag_types(super().get_params(ctx))


def _no_flag_types(params: list[click.Parameter]) -> list[click.Parameter]:
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""  # typer would show the flag's type, "<bool>"
    return params


app = typer.Typer(
    cls=_Group,
    name="any-agent",
    help="Define an agent once, run it on any framework, compare the traces.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold API keys
)
trace_app = typer.Typer(cls=_Group, help="Read saved traces: show one as a tree, diff two.", no_args_is_help=True)
app.add_typer(trace_app, name="trace")

AgentFileArg = Annotated[
    Path,
    typer.Argument(
        help="An agent file (.yaml, .yml or .toml) holding AgentConfig fields.",
        show_default=False,
        metavar="AGENT_FILE",
    ),
]
PromptArg = Annotated[
    str | None,
    typer.Argument(
        help="What to ask the agent. Default: the prompt in the agent's <stem>.offline.json.",
        show_default=False,
        metavar="PROMPT",
    ),
]
OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Run on the scripted offline model even when a provider key is set (the default without a key).",
    ),
]


def _console(*, stderr: bool = False) -> Console:
    # Piped output gets a wide console: a comparison table squeezed into 80 columns is unreadable.
    console: Console = PipeSafeConsole(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = PipeSafeConsole(stderr=stderr, highlight=False, width=160)
    return console


def _finish(command: Callable[[], int]) -> None:
    try:
        code = command()
    except BrokenPipeError:  # `… | head`: the reader has all it wants
        silence_output()
        code = exit_codes.BROKEN_PIPE
    except KeyboardInterrupt:
        _console(stderr=True).print(Text("interrupted", style="red"))
        code = exit_codes.INTERRUPTED
    raise typer.Exit(code)


@app.command(cls=_Command)
def run(
    agent_file: AgentFileArg,
    prompt: PromptArg = None,
    framework: Annotated[
        str | None, typer.Option("--framework", "-f", help="Run on this framework instead of the file's.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Use this model (provider:model) instead of the file's; always a real one."),
    ] = None,
    trace_out: Annotated[
        Path | None, typer.Option("--trace-out", "-o", help="Save the run's trace (JSON) here, even when it fails.")
    ] = None,
    offline: OfflineOption = False,
    stream: Annotated[
        bool, typer.Option("--stream", "-s", help="Print the answer's tokens as they arrive and each tool call live.")
    ] = False,
    approve: Annotated[
        bool,
        typer.Option(
            "--approve", help="Ask before every tool call (shows the tool and its arguments; y runs it, n denies it)."
        ),
    ] = False,
) -> None:
    """Run one agent file, showing each model call and tool call as it happens.

    Without a provider key (and without --model) it runs on the scripted offline model and says so.
    Exit code 0: the run succeeded; 1: it failed; 2: nothing ran (bad file, option or framework).
    """
    from any_agent.cli.run_command import run_command

    if offline and model:
        _console(stderr=True).print(Text("error: --offline and --model exclude each other", style="red"))
        raise typer.Exit(exit_codes.USAGE)
    _finish(
        lambda: run_command(
            agent_file,
            prompt,
            framework=framework,
            model=model,
            trace_out=trace_out,
            offline=offline,
            out=_console(),
            err=_console(stderr=True),
            stream=stream,
            approve=approve,
        )
    )


@app.command(cls=_Command)
def compare(
    agent_file: AgentFileArg,
    prompt: PromptArg = None,
    frameworks: Annotated[
        str | None,
        typer.Option(
            "--frameworks", "-f", help="Comma-separated frameworks, e.g. tiny,langgraph. Default: every installed one."
        ),
    ] = None,
    models: Annotated[
        str | None,
        typer.Option("--models", "-m", help="Comma-separated models (provider:model). Default: the file's."),
    ] = None,
    repeat: Annotated[int, typer.Option("--repeat", "-n", min=1, help="Runs per cell (median and range).")] = 1,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-j", min=1, help="Runs in flight at once (1 for clean timings).")
    ] = 4,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.001, help="Seconds one run may take before it counts as failed.")
    ] = 600.0,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the results as JSON here ('-' for stdout).")
    ] = None,
    offline: OfflineOption = False,
) -> None:
    """Run one agent on several frameworks (and models) and compare the runs side by side.

    One failed cell never stops the others. Exit code 0: every run of every cell succeeded; 1: at
    least one failed (see the table); 2: nothing ran (bad file or options).
    """
    from any_agent.cli.compare_command import compare_command, split_list

    _finish(
        lambda: compare_command(
            agent_file,
            prompt,
            frameworks=split_list(frameworks),
            models=split_list(models),
            repeat=repeat,
            concurrency=concurrency,
            timeout=timeout,
            html=html,
            json_out=json_out,
            offline=offline,
            out=_console(),
            err=_console(stderr=True),
        )
    )


@app.command("eval", cls=_Command)
def eval_(
    agent_file: AgentFileArg,
    cases_file: Annotated[
        Path, typer.Argument(help="Cases (.yaml or .jsonl): inputs and their checks.", show_default=False)
    ],
    frameworks: Annotated[
        str | None, typer.Option("--frameworks", "-f", help="Comma-separated frameworks. Default: the file's.")
    ] = None,
    models: Annotated[
        str | None, typer.Option("--models", "-m", help="Comma-separated models (provider:model). Default: the file's.")
    ] = None,
    repeats: Annotated[int, typer.Option("--repeats", "-n", min=1, help="Runs per case and cell.")] = 1,
    concurrency: Annotated[int, typer.Option("--concurrency", "-j", min=1, help="Runs in flight at once.")] = 4,
    per_endpoint: Annotated[
        int | None, typer.Option("--per-endpoint", min=1, help="Runs in flight at once against one model endpoint.")
    ] = None,
    judge: Annotated[
        str | None, typer.Option("--judge", help="The judge model (provider:model) for judge checks.")
    ] = None,
    executor: Annotated[
        str, typer.Option("--executor", help="inprocess (default) or ray (needs the ray extra).")
    ] = "inprocess",
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="The Ray cluster to join (auto, ray://host:10001).")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.001, help="Seconds one run may take before it counts as failed.")
    ] = 600.0,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the results as JSON here ('-' for stdout).")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report (pass-rate matrix, traces) here.")
    ] = None,
    offline: OfflineOption = False,
) -> None:
    """Evaluate an agent on a set of cases, on several frameworks and models, with checks and a judge.

    Exit code 0: every run passed every check; 1: at least one did not (see the table); 2: nothing ran.
    """
    from any_agent.cli.compare_command import split_list
    from any_agent.cli.eval_command import eval_command

    if executor not in ("inprocess", "ray"):
        _console(stderr=True).print(Text("error: --executor is inprocess or ray", style="red"))
        raise typer.Exit(exit_codes.USAGE)
    _finish(
        lambda: eval_command(
            agent_file,
            cases_file,
            frameworks=split_list(frameworks),
            models=split_list(models),
            repeats=repeats,
            concurrency=concurrency,
            per_endpoint=per_endpoint,
            judge=judge,
            executor="ray" if ray_address else executor,
            ray_address=ray_address,
            timeout=timeout,
            json_out=json_out,
            offline=offline,
            html=html,
            out=_console(),
            err=_console(stderr=True),
        )
    )


@app.command(cls=_Command)
def report(
    results: Annotated[Path, typer.Argument(help="A results file written by compare --json.", show_default=False)],
    html: Annotated[Path, typer.Argument(help="Where to write the HTML report.", show_default=False)],
) -> None:
    """Build the HTML report again from saved compare --json results."""
    from any_agent.cli.compare_command import load_results
    from any_agent.cli.report.html import write_report

    err = _console(stderr=True)
    try:
        comparison = load_results(results)
    except ValueError as error:
        err.print(Text(f"error: {error}", style="red"))
        raise typer.Exit(exit_codes.USAGE) from None
    write_report(comparison, html)
    err.print(Text(f"HTML report written to {html}", style="dim"))


@app.command(cls=_Command)
def serve(
    agent_file: AgentFileArg,
    mcp: Annotated[bool, typer.Option("--mcp", help="Serve the agent as one MCP tool over streamable HTTP.")] = False,
    a2a: Annotated[
        bool, typer.Option("--a2a", help="Serve the agent over the Agent2Agent protocol (the 'a2a' extra).")
    ] = False,
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on (loopback by default; no authentication).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on.")] = 8000,
    tool_name: Annotated[
        str | None, typer.Option("--tool-name", help="The MCP tool's name (default: the agent's name).")
    ] = None,
    framework: Annotated[
        str | None, typer.Option("--framework", "-f", help="Run on this framework instead of the file's.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Use this model (provider:model) instead of the file's; always a real one."),
    ] = None,
    offline: OfflineOption = False,
) -> None:
    """Serve an agent file to MCP or A2A clients (IDEs, assistants, other agents) until Ctrl-C.

    Without a provider key (and without --model) it serves on the scripted offline model and says so.

    Exit code 2: nothing was served (neither or both of --mcp and --a2a, a bad file, a port in use); 1: serving
    failed; 130: Ctrl-C.
    """
    from any_agent.serve.command import serve_command

    _finish(
        lambda: serve_command(
            agent_file,
            mcp=mcp,
            host=host,
            port=port,
            framework=framework,
            model=model,
            tool_name=tool_name,
            offline=offline,
            a2a=a2a,
            err=_console(stderr=True),
        )
    )


@app.command(cls=_Command)
def frameworks() -> None:
    """List the installed framework adapters: whether each loads, and the versions installed."""
    from any_agent.cli.frameworks_command import frameworks_command

    _finish(lambda: frameworks_command(out=_console(), err=_console(stderr=True)))


@trace_app.command("show", cls=_Command)
def trace_show(
    trace_file: Annotated[Path, typer.Argument(help="A trace saved with run --trace-out.", show_default=False)],
    width: Annotated[int, typer.Option("--width", "-w", min=20, help="Shorten texts to this many characters.")] = 100,
) -> None:
    """Show one saved trace as a tree of its spans, with what each model and tool call did."""
    from any_agent.cli.trace_commands import trace_show_command

    _finish(lambda: trace_show_command(trace_file, width=width, out=_console(), err=_console(stderr=True)))


@trace_app.command("diff", cls=_Command)
def trace_diff(
    left: Annotated[Path, typer.Argument(help="The first trace file.", show_default=False)],
    right: Annotated[Path, typer.Argument(help="The second trace file.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the difference as JSON on stdout.")] = False,
) -> None:
    """Show where two traces' normalized steps first differ, and how.

    Exit code 0: identical; 1: they differ; 2: a file could not be read.
    """
    from any_agent.cli.trace_commands import trace_diff_command

    _finish(lambda: trace_diff_command(left, right, as_json=as_json, out=_console(), err=_console(stderr=True)))
