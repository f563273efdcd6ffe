"""``any-agent run``: one agent file, one prompt, with each model and tool call shown as it happens."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan
from rich.console import Console
from rich.text import Text

from any_agent._portal import run_sync
from any_agent.agent import Agent
from any_agent.cli import exit_codes
from any_agent.cli.agent_file import (
    FORCED_OFFLINE_NOTICE,
    OFFLINE_NOTICE,
    AgentFile,
    ignored_prompt_notice,
    load_agent_file,
    missing_key,
    offline_config,
)
from any_agent.cli.live import span_listener
from any_agent.cli.pipes import OutputClosed
from any_agent.cli.render import format_output, span_line, summary_line
from any_agent.config import AgentConfig
from any_agent.errors import AgentRunError, ConfigError, RunCancelled, RunInterrupted
from any_agent.hooks.approval import ApproveTools, Decision, ask_in_terminal
from any_agent.hooks.base import ToolInvocation
from any_agent.model.local import watch_starts
from any_agent.streaming import ModelResponseEvent, RunFinished, TextDeltaEvent, ToolCallEvent, ToolResultEvent
from any_agent.tracing import attributes as attr
from any_agent.tracing.trace import AgentTrace, SpanRecord

__all__ = ["choose_prompt", "model_context", "run_command"]


def choose_prompt(agent_file: AgentFile, prompt: str | None, err: Console) -> str | None:
    """The prompt given, else the one the offline plan was written for; None (and why) otherwise."""
    if prompt:
        return prompt
    if agent_file.prompt:
        err.print(Text("Prompt (from ", style="dim") + Text(agent_file.sidecar.name) + Text("): ", style="dim"), end="")
        err.print(Text(agent_file.prompt), soft_wrap=True)
        return agent_file.prompt
    err.print(
        Text(
            f"error: give a PROMPT: {agent_file.path} has no {agent_file.sidecar.name} with a default prompt",
            style="red",
        )
    )
    return None


def model_context(
    agent_file: AgentFile, *, offline: bool, model_given: bool, err: Console, prompt: str | None = None
) -> tuple[AbstractContextManager[AgentConfig], bool]:
    """The config to run with, on the scripted model when forced or when no provider key is set.

    Says why it runs offline, and whether the scripted model will ignore ``prompt`` (None: the
    prompts come from elsewhere, as with ``serve``).
    """
    notice = FORCED_OFFLINE_NOTICE if offline else None
    if notice is None and not model_given and missing_key(agent_file.config) is not None:
        notice = OFFLINE_NOTICE
    if notice is None:
        return nullcontext(agent_file.config), False
    err.print(Text(notice, style="yellow"), soft_wrap=True)
    ignored = ignored_prompt_notice(agent_file, prompt)
    if ignored is not None:
        err.print(Text(ignored, style="yellow"), soft_wrap=True)
    return offline_config(agent_file), True


def run_command(
    path: Path,
    prompt: str | None,
    *,
    framework: str | None,
    model: str | None,
    trace_out: Path | None,
    offline: bool,
    out: Console,
    err: Console,
    stream: bool = False,
    approve: bool = False,
) -> int:
    """Run the agent file; print progress to ``err``, the answer to ``out``; return the exit code.

    With ``approve``, every tool call waits for a y/n on the terminal (standard input) first.
    """
    try:
        agent_file = load_agent_file(path, framework=framework, model=model)
    except ConfigError as error:
        err.print(Text(f"error: {error}", style="red"))
        return exit_codes.USAGE
    text = choose_prompt(agent_file, prompt, err)
    if text is None:
        return exit_codes.USAGE
    context, _ = model_context(agent_file, offline=offline, model_given=model is not None, err=err, prompt=text)
    with context as config:
        if approve:
            config = config.model_copy(update={"hooks": [*config.hooks, ApproveTools(ask=_terminal_asker(err))]})
        try:
            agent = Agent.create(config)
        except ConfigError as error:
            err.print(Text(f"error: {error}", style="red"))
            return exit_codes.USAGE
        err.print(
            Text(f"Running {config.name} on {agent.framework} with {config.model_id}", style="bold"),
            soft_wrap=True,
        )
        try:
            if stream:
                trace, failure, shown = _run_streamed(agent, text, out, err)
            else:
                (trace, failure), shown = _run_live(agent, text, err, spinner=not approve), False
        except RunInterrupted as interrupted:  # Ctrl-C: the partial trace is still worth keeping
            if trace_out is not None:
                interrupted.trace.save(trace_out)
                err.print(Text(f"Partial trace saved to {trace_out}", style="dim"))
            raise
        finally:
            agent.close()  # stops the agent's MCP servers, if it has any
    if trace_out is not None:
        trace.save(trace_out)
        err.print(Text(f"Trace saved to {trace_out}", style="dim"))
    if failure is not None:
        err.print(Text("Run failed: ", style="bold red") + Text(str(failure)))
        err.print(summary_line(trace))
        return exit_codes.FAILED
    if not shown:
        out.print(Text(format_output(trace.final_output)), soft_wrap=True)
    err.print(summary_line(trace))
    return exit_codes.OK


def _terminal_asker(err: Console) -> Callable[[ToolInvocation], Decision]:
    """``--approve``'s question: on ``err``, answered on standard input (a pipe of answers works too)."""

    def ask(call: ToolInvocation) -> Decision:
        return ask_in_terminal(call, read=sys.stdin, write=err.file)

    return ask


def _run_live(
    agent: Agent, prompt: str, err: Console, *, spinner: bool = True
) -> tuple[AgentTrace, AgentRunError | None]:
    turns = 0
    closed = False  # stderr's reader went away: stop printing, cancel the run
    running: tuple[asyncio.AbstractEventLoop, asyncio.Task[AgentTrace]] | None = None

    def show(span: ReadableSpan) -> None:
        nonlocal turns, closed
        if closed:
            return
        record = SpanRecord.from_otel(span)
        if record.operation == attr.OP_CHAT:
            turns += 1
        line = span_line(record, turns if record.operation == attr.OP_CHAT else None)
        if line is None:
            return
        try:
            err.print(Text("  ") + line, soft_wrap=True)
        except OutputClosed:  # raised here, in the run's own thread: cancel the run, not this thread
            closed = True
            if running is not None:
                running[0].call_soon_threadsafe(running[1].cancel)

    async def run() -> AgentTrace:
        nonlocal running
        task = asyncio.current_task()
        assert task is not None
        running = (asyncio.get_running_loop(), task)
        return await agent.run_async(prompt)

    status = err.status("running…")  # not with questions on the terminal: it would draw over them
    shown_status: AbstractContextManager[object] = status if spinner else nullcontext()

    def loading(model: str, phase: str, seconds: float) -> None:
        # A local model's first call loads it (seconds to minutes): say so instead of looking stuck.
        if phase == "starting":
            err.print(Text(f"  … loading the local model local:{model} (first call only)", style="dim"))
            status.update(f"loading local:{model}…")
        else:
            err.print(
                Text("  ✓ ", style="green") + Text(f"local model local:{model} loaded  {seconds:.1f}s", style="dim")
            )
            status.update("running…")

    # stdout is for the answer alone: whatever a framework prints goes to stderr.
    # `with agent` stops the agent's MCP servers as soon as the run ends.
    with agent, span_listener(show), watch_starts(loading), shown_status, contextlib.redirect_stdout(sys.stderr):
        try:
            return run_sync(run()), None
        except AgentRunError as error:
            return error.trace, error
        except KeyboardInterrupt as interrupt:  # Ctrl-C: `run_sync` cancelled the run, which kept its trace
            if isinstance(interrupt.__cause__, RunCancelled):
                raise RunInterrupted(interrupt.__cause__.trace) from None
            raise
        except (asyncio.CancelledError, concurrent.futures.CancelledError):
            if closed:  # cancelled by `show` above: end the command as a closed pipe does
                raise OutputClosed from None
            raise


def _run_streamed(
    agent: Agent, prompt: str, out: Console, err: Console
) -> tuple[AgentTrace, AgentRunError | None, bool]:
    """``--stream``: the answer's tokens to ``out`` as they arrive, tool calls to ``err`` as they happen.

    Returns the trace, the failure, and whether the answer was shown (a structured one is not streamed).
    """
    texts: list[str] = []  # the text of the current model turn
    answer = out.file  # taken before stdout is redirected: whatever a framework prints goes to stderr

    def end_line() -> None:
        answer.write("\n")
        answer.flush()

    with agent, contextlib.redirect_stdout(sys.stderr):
        try:
            for event in agent.stream(prompt):
                if isinstance(event, TextDeltaEvent):
                    texts.append(event.text)
                    answer.write(event.text)  # as is: model text is never markup
                    answer.flush()
                elif isinstance(event, ModelResponseEvent):
                    if texts and event.tool_calls:
                        end_line()  # text before tool calls is not the answer; keep it on its own line
                        texts = []
                elif isinstance(event, ToolCallEvent):
                    err.print(Text(f"  → {event.name}({event.arguments})", style="cyan"), soft_wrap=True)
                elif isinstance(event, ToolResultEvent):
                    style = "red" if event.is_error else "dim"
                    err.print(Text(f"  ← {event.name}: {_clip(event.result)}", style=style), soft_wrap=True)
                elif isinstance(event, RunFinished):
                    if texts:
                        end_line()
                    return event.trace, None, bool(texts)
        except AgentRunError as error:
            if texts:
                end_line()
            return error.trace, error, True
    raise AssertionError("a stream ends with run_finished or raises")  # pragma: no cover


def _clip(text: str, width: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"
