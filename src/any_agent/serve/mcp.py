"""An agent served to MCP clients: it becomes one tool of a streamable-HTTP MCP server.

Any MCP client (an IDE, a desktop assistant, or another any-agent agent on another framework, with
`McpHttp`) can then hand it a task. The server binds to loopback unless told otherwise, and has
no authentication of its own: anything that can reach the port can spend the agent's model budget
and use its tools, so expose it beyond this machine only behind something that authenticates.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import uvicorn
from anyio import ClosedResourceError
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import TextContent, Tool
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from any_agent.errors import AgentRunError

if TYPE_CHECKING:
    from any_agent.agent import Agent

__all__ = ["McpAgentServer", "default_tool_name", "mcp_app", "serve_mcp", "serve_mcp_async"]

logger = logging.getLogger(__name__)

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")
_START_TIMEOUT = 30.0
_LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
_LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


def default_tool_name(agent: Agent) -> str:
    """The agent's name, made a valid tool name for every model provider (letters, digits, ``_``, ``-``)."""
    return _UNSAFE_NAME.sub("_", agent.config.name)[:64]


def mcp_app(agent: Agent, *, tool_name: str | None = None, host: str = "127.0.0.1", path: str = "/mcp") -> Starlette:
    """An ASGI app serving ``agent`` as one MCP tool over streamable HTTP at ``path``.

    The tool is named after the agent (``tool_name`` overrides it), described by its
    ``description``, and takes one ``prompt``. It answers the run's final output as text; with a
    structured ``output_type`` also as MCP structured content, with the type's JSON schema as the
    tool's output schema. A failed run is an MCP tool error carrying the failure's message. For a
    loopback ``host`` the app refuses requests whose ``Host`` or ``Origin`` is not loopback, so a web
    page the user visits cannot reach the agent through DNS rebinding.
    """
    config = agent.config
    tool = Tool(
        name=tool_name or default_tool_name(agent),
        description=config.description or f"Ask the {config.name!r} agent to do a task.",
        inputSchema={
            "type": "object",
            "properties": {
                "prompt": {"type": "string", "description": "The task or question for the agent, in plain language."}
            },
            "required": ["prompt"],
        },
        outputSchema=config.output_type.model_json_schema() if config.output_type is not None else None,
    )
    server: Server[Any, Any] = Server(config.name, instructions=config.description)

    @server.list_tools()  # type: ignore[no-untyped-call, untyped-decorator]
    async def list_tools() -> list[Tool]:
        return [tool]

    @server.call_tool()  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any]) -> Any:
        if name != tool.name:
            raise ValueError(f"unknown tool {name!r}; this server offers {tool.name!r}")
        try:
            trace = await agent.run_async(str(arguments["prompt"]))
        except AgentRunError as error:
            raise RuntimeError(f"the agent's run failed: {error}") from None
        output = trace.final_output
        if isinstance(output, BaseModel):
            return output.model_dump(mode="json")  # structured content, and its JSON as text
        return [TextContent(type="text", text="" if output is None else str(output))]

    loopback = _is_loopback(host)
    manager = StreamableHTTPSessionManager(
        app=server,
        security_settings=TransportSecuritySettings(
            enable_dns_rebinding_protection=loopback,
            allowed_hosts=_LOOPBACK_HOSTS if loopback else [],
            allowed_origins=_LOOPBACK_ORIGINS if loopback else [],
        ),
    )

    class Endpoint:
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await manager.handle_request(scope, receive, send)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with manager.run():
            yield

    return Starlette(routes=[Route(path, endpoint=Endpoint())], lifespan=lifespan)


async def serve_mcp_async(
    agent: Agent,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    path: str = "/mcp",
    tool_name: str | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve ``agent`` over MCP at ``http://host:port/path`` until cancelled (or Ctrl-C on the main thread).

    The agent's own MCP servers are started before the first request and stopped when serving ends.
    ``on_ready`` is called once the port is bound and those servers run, so that "serving" is only
    ever announced when it is true.
    """
    server = _server(agent, host, path, tool_name)
    listener = _listen(host, port)
    _warn_if_exposed(host)
    try:
        async with agent:
            if on_ready is not None:
                on_ready()
            await server.serve(sockets=[listener])
    finally:
        listener.close()


def serve_mcp(
    agent: Agent,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    path: str = "/mcp",
    tool_name: str | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """`serve_mcp_async` from synchronous code: blocks until Ctrl-C."""
    asyncio.run(serve_mcp_async(agent, host=host, port=port, path=path, tool_name=tool_name, on_ready=on_ready))


class McpAgentServer:
    """An agent served over MCP from a background thread, for tests and for embedding in an app.

    Example::

        with McpAgentServer(agent, port=0) as served:  # port 0: any free port
            print(served.url)  # http://127.0.0.1:54321/mcp
    """

    def __init__(
        self,
        agent: Agent,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/mcp",
        tool_name: str | None = None,
    ) -> None:
        """Nothing is served until `start` (or ``with``)."""
        self.agent = agent
        self.host, self.path, self.tool_name = host, path, tool_name
        self._port = port
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._failure: BaseException | None = None

    @property
    def url(self) -> str:
        """The MCP endpoint clients connect to."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}{self.path}"

    def start(self) -> McpAgentServer:
        """Start serving; returns once the server accepts connections."""
        listener = _listen(self.host, self._port)
        self._port = listener.getsockname()[1]
        self._server = self._build_server()
        _warn_if_exposed(self.host)
        self._thread = threading.Thread(target=self._serve, args=(listener,), name="any-agent-mcp", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if self._failure is not None or not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server for agent {self.agent.config.name!r} did not start") from (
                    self._failure
                )
            time.sleep(0.01)
        return self

    def _build_server(self) -> uvicorn.Server:
        """The server to run (the A2A server builds its own)."""
        return _server(self.agent, self.host, self.path, self.tool_name)

    def stop(self) -> None:
        """Stop serving (open requests are given a moment to finish) and the agent's MCP servers."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_START_TIMEOUT)
        self.agent.close()

    def __enter__(self) -> McpAgentServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _serve(self, listener: socket.socket) -> None:
        assert self._server is not None
        try:
            asyncio.run(self._server.serve(sockets=[listener]))
        except BaseException as error:  # reported by start(), which waits for this thread
            self._failure = error
        finally:
            listener.close()


class _ClosedStreamNoise(logging.Filter):
    """Drops the SDK's error log for a client ending its session while its event stream is open.

    Every MCP client that closes politely (the SDK's own included) triggers it, and nothing is wrong.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (record.getMessage() == "Error in standalone SSE writer" and isinstance(error, ClosedResourceError))


def _server(agent: Agent, host: str, path: str, tool_name: str | None) -> uvicorn.Server:
    sdk_logger = logging.getLogger("mcp.server.streamable_http")
    if not any(isinstance(existing, _ClosedStreamNoise) for existing in sdk_logger.filters):
        sdk_logger.addFilter(_ClosedStreamNoise())
    app = mcp_app(agent, tool_name=tool_name, host=host, path=path)
    # log_config=None: leave the application's logging alone (uvicorn would install its own).
    return uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="warning", lifespan="on"))


def _listen(host: str, port: int) -> socket.socket:
    """A bound, listening socket: binding here rather than in uvicorn lets port 0 pick a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise OSError(error.errno, f"cannot serve the agent on {host}:{port}: {error.strerror}") from None
    listener.listen(128)
    return listener


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _warn_if_exposed(host: str) -> None:
    if not _is_loopback(host):
        logger.warning(
            "serving the agent over MCP on %s, beyond this machine, with no authentication: anyone who can "
            "reach it can run the agent",
            host,
        )
