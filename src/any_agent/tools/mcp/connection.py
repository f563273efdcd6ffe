"""One MCP server's session, owned by one long-lived task on the core's background loop.

An MCP client session lives in anyio task groups, which must be entered and left by the same task.
Frameworks call tools from their own loops and threads, so the session is opened, kept and closed
by a task of its own on the background loop (`any_agent._portal`), and calls are marshalled to
that loop. Leaving the task closes the transport, and the stdio transport ends the server's whole
process group: closing a connection never leaves a process behind.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import IO, Any, cast

import anyio
import httpx
from mcp import ClientSession, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import McpError
from mcp.types import CONNECTION_CLOSED, CallToolResult, PaginatedRequestParams, Tool

from any_agent.tools.mcp.config import McpHttp, McpServer, McpStdio, expand_env
from any_agent.tools.mcp.errors import McpServerError

__all__ = ["McpConnection"]

_STDERR_TAIL = 2000
_SSE_READ_TIMEOUT = 300.0


class McpConnection:
    """A started MCP server: its tools, and calls to them from the background loop."""

    def __init__(self, server: McpServer) -> None:
        """Prefer `McpConnection.open`, which starts the server."""
        self.server = server
        self.tools: list[Tool] = []
        self._session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._death: BaseException | None = None
        # Lives as long as the connection; read for error messages (closed in `close`).
        self._stderr: IO[bytes] | None = tempfile.TemporaryFile() if isinstance(server, McpStdio) else None  # noqa: SIM115

    @classmethod
    async def open(cls, server: McpServer) -> McpConnection:
        """Start ``server``, initialize the session and list its tools (on the background loop)."""
        connection = cls(server)
        ready: asyncio.Future[list[Tool]] = asyncio.get_running_loop().create_future()
        ready.add_done_callback(lambda done: done.cancelled() or done.exception())  # read even if timed out
        connection._task = asyncio.create_task(connection._own(ready), name=f"mcp {server.label}")
        try:
            connection.tools = await asyncio.wait_for(asyncio.shield(ready), server.timeout)
        except TimeoutError:
            stderr = connection.stderr_tail()
            await connection.close()
            raise McpServerError(
                server.label,
                f"did not start within {server.timeout:g}s (raise its 'timeout' if it is slow to start)",
                stderr=stderr,
            ) from None
        except BaseException:
            await connection.close()
            raise
        return connection

    @property
    def closed(self) -> bool:
        """True once the server was closed, or stopped answering."""
        return self._task is None or self._task.done() or self._stop.is_set()

    async def call(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        """Call tool ``name``; `McpServerError` if the server is gone or goes away meanwhile."""
        session, owner = self._session, self._task
        if session is None or owner is None or self.closed:
            raise self._gone()
        call = asyncio.ensure_future(session.call_tool(name, arguments))
        try:
            done, _ = await asyncio.wait({call, owner}, return_when=asyncio.FIRST_COMPLETED)
            if call not in done:
                raise self._gone()
            try:
                return call.result()
            except McpError as error:
                if error.error.code == CONNECTION_CLOSED:
                    raise self._gone() from None
                raise
        finally:
            if not call.done():
                call.cancel()

    async def close(self) -> None:
        """Close the session and, for a stdio server, end its process (waits until it is gone)."""
        self._stop.set()
        if self._task is not None:
            if self._session is None:  # still starting: only cancellation stops a server that hangs
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def stderr_tail(self) -> str:
        """The end of the server's standard error so far (stdio servers only)."""
        if self._stderr is None or self._stderr.closed:
            return ""
        # pread leaves the file offset alone: the server's process shares it and is still writing.
        descriptor = self._stderr.fileno()
        size = os.fstat(descriptor).st_size
        start = max(0, size - _STDERR_TAIL)
        return os.pread(descriptor, size - start, start).decode("utf-8", errors="replace")

    async def _own(self, ready: asyncio.Future[list[Tool]]) -> None:
        try:
            async with AsyncExitStack() as stack:
                read, write = await stack.enter_async_context(self._transport())
                session = await stack.enter_async_context(
                    ClientSession(read, write, read_timeout_seconds=timedelta(seconds=self.server.timeout))
                )
                await session.initialize()
                tools = await _list_tools(session)
                self._session = session
                ready.set_result(tools)
                await self._stop.wait()
        except BaseException as error:  # the transport's task groups raise groups, and cancellation
            if not ready.done():
                ready.set_exception(
                    McpServerError(self.server.label, f"failed to start: {_describe(error)}", stderr=self.stderr_tail())
                )
            elif not self._stop.is_set():
                self._death = error
            if not isinstance(error, Exception):
                raise
        finally:
            self._session = None

    @asynccontextmanager
    async def _transport(self) -> AsyncIterator[tuple[Any, Any]]:
        server = self.server
        if isinstance(server, McpStdio):
            env = expand_env(server.env, f"the env of MCP server {server.label!r}")
            parameters = StdioServerParameters(
                command=server.command,
                args=server.args,
                env={**os.environ, **env} if server.inherit_env else env,
                cwd=server.cwd,
            )
            async with stdio_client(parameters, errlog=cast(Any, self._stderr)) as (read, write):
                yield read, write
            return
        assert isinstance(server, McpHttp)
        headers = expand_env(server.headers, f"the headers of MCP server {server.label!r}")
        if server.transport == "sse":
            async with sse_client(
                server.url, headers=headers, timeout=server.timeout, sse_read_timeout=_SSE_READ_TIMEOUT
            ) as (read, write):
                yield read, write
            return
        timeout = httpx.Timeout(server.timeout, read=_SSE_READ_TIMEOUT)
        async with (
            httpx.AsyncClient(headers=headers, timeout=timeout) as client,
            streamable_http_client(server.url, http_client=client) as (read, write, _),
        ):
            yield read, write

    def _gone(self) -> McpServerError:
        # Let the owner task leave its transport now, so a dead stdio server is reaped at once.
        self._stop.set()
        reason = "stopped answering: it exited or closed the connection"
        if self._death is not None:
            reason += f" ({_describe(self._death)})"
        return McpServerError(self.server.label, reason, stderr=self.stderr_tail())


async def _list_tools(session: ClientSession) -> list[Tool]:
    tools: list[Tool] = []
    cursor: str | None = None
    while True:
        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        tools.extend(page.tools)
        cursor = page.nextCursor
        if not cursor:
            return tools


_CLOSED = "the server closed the connection before answering (did the command exit?)"

# How a stream that closed under us shows, depending on which side noticed first (a race: a command
# that exits at once gives any of them).
_STREAM_CLOSED = (anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream, BrokenPipeError)


def _describe(error: BaseException) -> str:
    """The innermost errors of an exception group (anyio wraps transport failures in them), each once."""
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(dict.fromkeys(_describe(inner) for inner in error.exceptions))
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    if isinstance(error, McpError) and error.error.code == CONNECTION_CLOSED:
        return _CLOSED
    if isinstance(error, _STREAM_CLOSED):
        return _CLOSED
    return f"{type(error).__name__}: {error}"
