"""The MCP servers of one agent: started together, closed together, called from any loop or thread.

Every connection lives on the core's background loop (see `connection`), whichever loop or thread
starts the agent or calls a tool; `McpToolbox` marshals to it. A server that was closed (or died)
is started again on next use, with the tools it offered the first time, so one agent can be used,
closed and used again, and a long-lived agent survives a server crash between runs.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import jsonschema  # type: ignore[import-untyped]
from mcp.types import CallToolResult, Tool

from any_agent import _portal
from any_agent.context import current_run
from any_agent.errors import ToolDefinitionError
from any_agent.tools.mcp.config import McpServer
from any_agent.tools.mcp.connection import McpConnection
from any_agent.tools.mcp.content import to_tool_result
from any_agent.tools.mcp.errors import McpServerError
from any_agent.tools.schema import provider_safe_name
from any_agent.tools.spec import InvalidToolArguments, ToolResult, ToolSpec, Validator

__all__ = ["McpToolbox"]

T = TypeVar("T")

_TOOL_TYPE = "extension"
"""``gen_ai.tool.type`` for MCP tools: the GenAI conventions' kind for a tool the agent calls
on an external service ("function" being code in the agent's own process)."""
_CLOSE_TIMEOUT = 10.0


class McpToolbox:
    """The MCP server entries of one config, and the tool specs they offer once started."""

    def __init__(self, servers: Sequence[tuple[int, McpServer]], *, reserved: Sequence[str] = ()) -> None:
        """``servers`` are (position in ``AgentConfig.tools``, entry); ``reserved`` the other tools' names."""
        self.servers = list(servers)
        self._reserved = set(reserved)
        self._connections: dict[int, McpConnection] = {}
        self._specs: list[ToolSpec] | None = None
        self._lock: asyncio.Lock | None = None
        # Closes the servers when the agent is garbage-collected or the interpreter exits unclosed.
        self._finalizer = weakref.finalize(self, _close_blocking, self._connections)

    async def start(self) -> list[ToolSpec]:
        """Start the servers not running yet (all at once) and return every MCP tool's spec.

        Raises `McpServerError` naming the server that failed (the others are closed again), or
        `ToolDefinitionError` when two tools would share a name.
        """
        return await _on_portal(self._start())

    async def aclose(self) -> None:
        """Close every server and wait until their processes are gone."""
        await _on_portal(_close_all(self._connections))

    def close(self) -> None:
        """`aclose` for synchronous code."""
        _close_blocking(self._connections)

    async def _start(self) -> list[ToolSpec]:
        async with self._portal_lock():
            missing = [(index, server) for index, server in self.servers if self._closed(index)]
            results = await asyncio.gather(
                *(McpConnection.open(server) for _, server in missing), return_exceptions=True
            )
            failures: list[BaseException] = []
            for (index, _), result in zip(missing, results, strict=True):
                if isinstance(result, McpConnection):
                    self._connections[index] = result
                else:
                    failures.append(result)
            try:
                if failures:
                    raise failures[0]
                if self._specs is None:
                    self._specs = self._describe()
            except BaseException:
                await _close_all(self._connections)
                raise
            return self._specs

    def _describe(self) -> list[ToolSpec]:
        specs: list[ToolSpec] = []
        names = dict.fromkeys(self._reserved, "another entry of tools")
        for index, server in self.servers:
            offered = {tool.name: tool for tool in self._connections[index].tools}
            wanted = server.allowed_tools if server.allowed_tools is not None else list(offered)
            unknown = [name for name in wanted if name not in offered]
            if unknown:
                raise McpServerError(
                    server.label,
                    f"has no tool named {', '.join(map(repr, unknown))} (allowed_tools of tools[{index}]); "
                    f"it offers: {', '.join(offered) or 'none'}",
                )
            for name in wanted:
                spec = self._spec(index, offered[name])
                if spec.name in names:
                    raise ToolDefinitionError(
                        f"MCP server {server.label!r} offers a tool named {spec.name!r}, like {names[spec.name]}; "
                        "tool names must be unique: leave one out with allowed_tools",
                        field=f"tools[{index}]",
                    )
                names[spec.name] = f"MCP server {server.label!r}"
                specs.append(spec)
        return specs

    def _spec(self, index: int, tool: Tool) -> ToolSpec:
        async def execute(arguments: dict[str, Any]) -> ToolResult:
            try:
                result = await _on_portal(self._call(index, tool.name, arguments))
            except McpServerError as error:
                # A dead server is not a tool error the model could fix: the run fails with it.
                if (run := current_run()) is not None:
                    run.fail(error)
                raise
            return to_tool_result(tool.name, result)

        return ToolSpec(
            name=provider_safe_name(tool.name),
            description=tool.description or tool.title or "",
            parameters=_parameters(tool.inputSchema),
            executor=execute,
            validator=_validator(tool.inputSchema),
            kind=_TOOL_TYPE,
            source=tool,
        )

    async def _call(self, index: int, name: str, arguments: dict[str, Any]) -> CallToolResult:
        if self._closed(index):
            async with self._portal_lock():
                if self._closed(index):
                    if (old := self._connections.pop(index, None)) is not None:
                        await old.close()
                    server = dict(self.servers)[index]
                    self._connections[index] = await McpConnection.open(server)
        return await self._connections[index].call(name, arguments)

    def _closed(self, index: int) -> bool:
        connection = self._connections.get(index)
        return connection is None or connection.closed

    def _portal_lock(self) -> asyncio.Lock:
        if self._lock is None:  # created on the background loop, where every caller runs
            self._lock = asyncio.Lock()
        return self._lock


async def _on_portal(coroutine: Coroutine[Any, Any, T]) -> T:
    loop = _portal._background_loop()
    if asyncio.get_running_loop() is loop:
        return await coroutine
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))


async def _close_all(connections: dict[int, McpConnection]) -> None:
    closing = list(connections.values())
    connections.clear()
    await asyncio.gather(*(connection.close() for connection in closing), return_exceptions=True)


def _close_blocking(connections: dict[int, McpConnection]) -> None:
    if not connections:
        return
    future = asyncio.run_coroutine_threadsafe(_close_all(connections), _portal._background_loop())
    if threading.current_thread() is not _portal._thread:  # the loop's own thread cannot wait on it
        future.result(timeout=_CLOSE_TIMEOUT)


def _parameters(schema: dict[str, Any]) -> dict[str, Any]:
    parameters = dict(schema)
    parameters.setdefault("type", "object")
    if parameters["type"] == "object":
        parameters.setdefault("properties", {})
    return parameters


def _validator(schema: dict[str, Any]) -> Validator | None:
    """Check arguments against the tool's input schema, as the core does for Python tools.

    The server checks them too, but checking here gives the model the same "invalid arguments"
    error (and the trace the same span) whatever kind of tool it called.
    """
    try:
        kind = jsonschema.validators.validator_for(schema)
        kind.check_schema(schema)
    except jsonschema.SchemaError:
        return None  # a schema we cannot read: leave validation to the server
    checker = kind(schema)

    def validate(arguments: dict[str, Any]) -> dict[str, Any]:
        problems = [
            f"{'.'.join(str(part) for part in error.absolute_path) or 'arguments'}: {error.message}"
            for error in checker.iter_errors(arguments)
        ]
        if problems:
            raise InvalidToolArguments("; ".join(problems))
        return arguments

    return validate
