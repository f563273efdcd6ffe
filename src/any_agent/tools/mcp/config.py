"""How an `AgentConfig` names an MCP server: plain data, so agent files can hold it too.

Nothing here imports the ``mcp`` SDK: a config that names MCP servers can be written, loaded and
checked without it; the SDK is needed only when the agent connects.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = ["McpHttp", "McpServer", "McpStdio", "expand_env", "mcp_server_entry"]

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _McpServerBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    """A label for errors and logs (default: the command line or the URL)."""

    allowed_tools: list[str] | None = None
    """Only these of the server's tools are given to the model (default: all of them). Naming a tool
    the server does not offer is an error when the agent connects, so a typo never goes unnoticed."""

    timeout: float = Field(default=60.0, gt=0)
    """Seconds the server may take to start and list its tools, and to answer one tool call (a call
    that takes longer is an error result the model sees)."""

    @property
    def label(self) -> str:
        """How errors name this server."""
        return self.name or self._default_label()

    def _default_label(self) -> str:
        raise NotImplementedError


class McpStdio(_McpServerBase):
    """An MCP server the agent starts as a subprocess and talks to over stdin/stdout.

    The subprocess gets ``env`` plus the few variables a program needs to start (``PATH``, ``HOME``,
    ``USER``, ``SHELL``, ``TERM``, ``LOGNAME``), not the parent's whole environment with its API
    keys, unless ``inherit_env`` is set.
    """

    command: str
    """The program to run (``uvx``, ``npx``, ``python``...), looked up on ``PATH``."""

    args: list[str] = Field(default_factory=list)
    """Its command-line arguments."""

    env: dict[str, str] = Field(default_factory=dict, repr=False)
    """Extra environment variables for the server. ``${NAME}`` in a value is replaced by the
    variable ``NAME`` of this process when the server starts, so an agent file need not hold secrets."""

    cwd: Path | None = None
    """The server's working directory (default: this process's)."""

    inherit_env: bool = False
    """Pass this process's whole environment to the server. Off by default: a third-party server
    should see only the secrets it is given."""

    def _default_label(self) -> str:
        return " ".join([self.command, *self.args])


class McpHttp(_McpServerBase):
    """An MCP server already running, reached over streamable HTTP (or the deprecated SSE transport)."""

    url: str
    """The server's MCP endpoint, such as ``http://127.0.0.1:8000/mcp``."""

    headers: dict[str, str] = Field(default_factory=dict, repr=False)
    """HTTP headers sent with every request (an ``Authorization`` header, say). ``${NAME}`` in a value
    is replaced by the environment variable ``NAME`` when the agent connects."""

    transport: Literal["streamable-http", "sse"] = "streamable-http"
    """``sse`` only for old servers: the MCP specification deprecates the SSE transport."""

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"an MCP server URL starts with http:// or https://, not {value!r}")
        return value

    def _default_label(self) -> str:
        return self.url


McpServer = McpStdio | McpHttp
"""An MCP server entry of `AgentConfig.tools`."""


def mcp_server_entry(value: dict[str, Any], field: str) -> McpServer:
    """The MCP server a mapping in a config's ``tools`` describes: ``command`` means stdio, ``url`` HTTP."""
    if "command" in value:
        kind: type[McpStdio] | type[McpHttp] = McpStdio
    elif "url" in value:
        kind = McpHttp
    else:
        raise ValueError(
            f"{field}: a mapping in tools describes an MCP server and needs 'command' (a server started "
            f"over stdio) or 'url' (a streamable-HTTP server); got keys {sorted(value)}"
        )
    try:
        return kind.model_validate(value)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in error.errors())
        raise ValueError(f"{field}: invalid MCP server entry: {problems}") from None


def expand_env(values: dict[str, str], where: str) -> dict[str, str]:
    """``values`` with every ``${NAME}`` replaced by the environment variable ``NAME``.

    A missing variable is an error rather than an empty string: a server started without its token
    fails later with a far less helpful message.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"{where} refers to ${{{name}}}, but the environment variable {name} is not set")
        return os.environ[name]

    return {key: _VARIABLE.sub(substitute, value) for key, value in values.items()}
