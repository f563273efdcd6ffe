"""``any-agent serve AGENT_FILE --mcp`` (or ``--a2a``): an agent file served to MCP or A2A clients until Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.text import Text

from any_agent.agent import Agent
from any_agent.cli import exit_codes
from any_agent.cli.agent_file import load_agent_file
from any_agent.errors import ConfigError

__all__ = ["serve_command"]


def serve_command(
    path: Path,
    *,
    mcp: bool,
    host: str,
    port: int,
    framework: str | None,
    model: str | None,
    tool_name: str | None = None,
    offline: bool = False,
    a2a: bool = False,
    err: Console,
) -> int:
    """Serve the agent file until interrupted; progress and errors go to ``err``; return the exit code.

    Offline on the scripted model under the same rule as ``run`` (``--offline``, or no provider key
    and no ``--model``). 2 when nothing was served (no ``--mcp``, a bad file, a port in use), 1
    when serving failed (an MCP server of the agent that cannot start, say). Ctrl-C raises
    KeyboardInterrupt once the server has shut down and the agent's MCP servers are stopped; the
    CLI maps it to 130.
    """
    from any_agent.cli.run_command import model_context

    if mcp == a2a:
        err.print(Text("error: say how to serve the agent: --mcp (streamable-HTTP MCP) or --a2a (Agent2Agent)", "red"))
        return exit_codes.USAGE
    if offline and model:
        err.print(Text("error: --offline and --model exclude each other", style="red"))
        return exit_codes.USAGE
    try:
        agent_file = load_agent_file(path, framework=framework, model=model)
    except ConfigError as error:
        err.print(Text(f"error: {error}", style="red"))
        return exit_codes.USAGE
    context, _ = model_context(agent_file, offline=offline, model_given=model is not None, err=err)
    with context as config:
        try:
            agent = Agent.create(config)
        except ConfigError as error:
            err.print(Text(f"error: {error}", style="red"))
            return exit_codes.USAGE
        if a2a:
            return _serve_a2a(agent, host=host, port=port, err=err)
        return _serve(agent, host=host, port=port, tool_name=tool_name, err=err)


def _serve_a2a(agent: Agent, *, host: str, port: int, err: Console) -> int:
    from any_agent.serve.a2a import serve_a2a

    def announce(url: str) -> None:  # only once the port is ours and the agent's MCP servers run
        serving = f"Serving agent {agent.config.name!r} ({agent.framework}) over A2A at {url}"
        err.print(Text(f"{serving}; Ctrl-C stops."), soft_wrap=True)

    return _serving(lambda: serve_a2a(agent, host=host, port=port, on_ready=announce), err)


def _serve(agent: Agent, *, host: str, port: int, tool_name: str | None, err: Console) -> int:
    from any_agent.serve.mcp import default_tool_name, serve_mcp

    name = tool_name or default_tool_name(agent)
    where = f"http://{f'[{host}]' if ':' in host else host}:{port}/mcp"

    def announce() -> None:  # only once the port is ours and the agent's MCP servers run
        serving = f"Serving agent {agent.config.name!r} ({agent.framework}) as MCP tool {name!r} at {where}"
        err.print(Text(f"{serving}; Ctrl-C stops."), soft_wrap=True)

    return _serving(lambda: serve_mcp(agent, host=host, port=port, tool_name=tool_name, on_ready=announce), err)


def _serving(serve: Callable[[], None], err: Console) -> int:
    """Serve until interrupted; a problem is one line on ``err`` and an exit code, never a traceback."""
    try:
        serve()
    except (ConfigError, OSError) as error:  # an extra not installed, a port in use
        err.print(Text(f"error: {error}", style="red"))
        return exit_codes.USAGE
    except Exception as error:  # a server that fails to start...: say so, not a traceback
        err.print(Text(f"error: serving failed: {type(error).__name__}: {error}", style="red"))
        return exit_codes.FAILED
    return exit_codes.OK
