"""The error an MCP server's failures surface as, naming the server."""

from __future__ import annotations

from any_agent.errors import AnyAgentError

__all__ = ["McpServerError"]


class McpServerError(AnyAgentError):
    """An MCP server failed to start, stopped answering, or lacks a tool the config names.

    During a run it fails the run (an `AgentRunError` with the partial trace, this as its cause),
    even when the framework would carry on after a failed tool call: a dead server is not a tool
    error the model can fix.

    Attributes:
        server: The server's label (`McpStdio.name`, else its command line or URL).
        stderr: The end of what a stdio server wrote to its standard error, often the real reason.
    """

    def __init__(self, server: str, message: str, *, stderr: str = "") -> None:
        self.server = server
        self.stderr = stderr
        text = f"MCP server {server!r} {message}"
        if stderr.strip():
            text += f"\nIts standard error ended with:\n{stderr.rstrip()}"
        super().__init__(text)
