"""MCP servers the tests start: a streamable-HTTP (or SSE) one built with the SDK's FastMCP, served
from a thread, and helpers to find the stdio servers' processes."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from mcp.server.fastmcp import Context, FastMCP, Image
from mcp.types import EmbeddedResource, TextContent, TextResourceContents
from starlette.applications import Starlette

ENV_SERVER = Path(__file__).with_name("env_server.py")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def time_server_available() -> bool:
    try:
        import mcp_server_time  # noqa: F401
    except ImportError:
        return False
    return True


def tools_server() -> FastMCP:
    """A server with one tool per kind of result."""
    server = FastMCP("test-tools", log_level="WARNING")

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @server.tool()
    def picture() -> Image:
        """A one-pixel PNG."""
        return Image(data=PNG, format="png")

    @server.tool()
    def document() -> list[TextContent | EmbeddedResource]:
        """Some text and an attached text file."""
        return [
            TextContent(type="text", text="see the attached notes"),
            EmbeddedResource(
                type="resource",
                resource=TextResourceContents(uri="file:///notes.txt", mimeType="text/plain", text="hello notes"),
            ),
        ]

    @server.tool()
    def forecast(city: str) -> dict[str, object]:
        """The forecast for a city, as structured content."""
        return {"city": city, "sky": "clear", "high_c": 21}

    @server.tool()
    def fail(reason: str) -> str:
        """Always fails."""
        raise ValueError(f"refused: {reason}")

    @server.tool()
    def whoami(ctx: Context) -> str:  # type: ignore[type-arg]
        """The X-Token header the client sent."""
        request = ctx.request_context.request
        return str(request.headers.get("x-token", "<none>")) if request is not None else "<no request>"

    return server


class Served:
    """An ASGI app served by uvicorn from a thread, on a free loopback port."""

    def __init__(self, app: Starlette) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._listener]))

    def __enter__(self) -> Served:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "test MCP server did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._listener.close()


@contextmanager
def http_tools_server(transport: str = "streamable-http") -> Iterator[str]:
    """Serve `tools_server` and yield its MCP endpoint URL."""
    server = tools_server()
    if transport == "sse":
        with Served(server.sse_app()) as served:
            yield f"http://127.0.0.1:{served.port}/sse"
    else:
        with Served(server.streamable_http_app()) as served:
            yield f"http://127.0.0.1:{served.port}/mcp"


def child_processes(marker: str) -> list[int]:
    """PIDs of this process's live children whose command line contains ``marker`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, parent = fields[0], int(fields[1])
        if parent == os.getpid() and state != "Z" and marker in cmdline:
            found.append(int(entry.name))
    return found


def wait_until_gone(marker: str, timeout: float = 5.0) -> list[int]:
    """The children matching ``marker`` still alive after up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (alive := child_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


PYTHON = sys.executable
