from __future__ import annotations

from pathlib import Path

import pytest

from any_agent import AgentConfig, ConfigError
from any_agent.tools.mcp import McpHttp, McpStdio
from any_agent.tools.mcp.config import expand_env


def shout(text: str) -> str:
    """Shout."""
    return text.upper()


def test_yaml_agent_file_names_mcp_servers_next_to_callables(tmp_path: Path) -> None:
    (tmp_path / "my_tools.py").write_text("def shout(text: str) -> str:\n    '''Shout.'''\n    return text.upper()\n")
    file = tmp_path / "agent.yaml"
    file.write_text(
        """
model_id: openai:gpt-4.1-mini
tools:
  - my_tools:shout
  - command: uvx
    args: [mcp-server-time]
    env: {TZ: Europe/Paris}
    cwd: /tmp
    allowed_tools: [get_current_time]
  - url: http://127.0.0.1:8931/mcp
    headers: {Authorization: "Bearer ${MY_TOKEN}"}
    name: browser
"""
    )
    config = AgentConfig.from_file(file)
    shout_tool, stdio, http = config.tools
    assert shout_tool("hi") == "HI"
    assert stdio == McpStdio(
        command="uvx",
        args=["mcp-server-time"],
        env={"TZ": "Europe/Paris"},
        cwd=Path("/tmp"),
        allowed_tools=["get_current_time"],
    )
    assert http == McpHttp(
        url="http://127.0.0.1:8931/mcp", headers={"Authorization": "Bearer ${MY_TOKEN}"}, name="browser"
    )
    assert stdio.label == "uvx mcp-server-time"
    assert http.label == "browser"
    assert config.to_file_data()["tools"] == [
        "my_tools:shout",
        {
            "command": "uvx",
            "args": ["mcp-server-time"],
            "env": {"TZ": "Europe/Paris"},
            "cwd": "/tmp",
            "allowed_tools": ["get_current_time"],
        },
        {"name": "browser", "url": "http://127.0.0.1:8931/mcp", "headers": {"Authorization": "Bearer ${MY_TOKEN}"}},
    ]
    assert AgentConfig.model_validate(config.to_file_data()).tools[1:] == [stdio, http]


def test_toml_agent_file(tmp_path: Path) -> None:
    file = tmp_path / "agent.toml"
    file.write_text(
        'model_id = "openai:gpt-4.1-mini"\n'
        "[[tools]]\n"
        'url = "http://127.0.0.1:9000/sse"\n'
        'transport = "sse"\n'
        "[[tools]]\n"
        'command = "npx"\n'
        'args = ["-y", "@modelcontextprotocol/server-filesystem", "."]\n'
        "inherit_env = true\n"
    )
    http, stdio = AgentConfig.from_file(file).tools
    assert http == McpHttp(url="http://127.0.0.1:9000/sse", transport="sse")
    assert stdio == McpStdio(
        command="npx", args=["-y", "@modelcontextprotocol/server-filesystem", "."], inherit_env=True
    )


def test_a_mapping_that_is_no_server_says_what_it_needs(tmp_path: Path) -> None:
    file = tmp_path / "agent.yaml"
    file.write_text("model_id: openai:gpt-4.1-mini\ntools:\n  - commnd: uvx\n")
    with pytest.raises(ConfigError) as info:
        AgentConfig.from_file(file)
    assert "tools[0]" in str(info.value)
    assert "'command'" in str(info.value) and "'url'" in str(info.value)


def test_invalid_server_fields_are_named() -> None:
    with pytest.raises(ValueError, match=r"tools\[1\]: invalid MCP server entry: .*timeout"):
        AgentConfig(model_id="openai:x", tools=[shout, {"command": "uvx", "timeout": -1}])
    with pytest.raises(ValueError, match="http:// or https://"):
        AgentConfig(model_id="openai:x", tools=[{"url": "ftp://example.org/mcp"}])
    with pytest.raises(ValueError, match="argz: Extra inputs are not permitted"):
        AgentConfig(model_id="openai:x", tools=[{"command": "uvx", "argz": ["x"]}])


def test_secrets_in_env_and_headers_are_not_printed() -> None:
    config = AgentConfig(
        model_id="openai:x",
        tools=[
            McpStdio(command="srv", env={"TOKEN": "sk-live-123"}),
            McpHttp(url="http://h/mcp", headers={"A": "sk-live-456"}),
        ],
    )
    assert "sk-live-123" not in repr(config) and "sk-live-456" not in repr(config)
    assert "sk-live-123" not in str(config)


def test_env_references_are_expanded_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANY_AGENT_TEST_TOKEN", "t0k")
    assert expand_env({"A": "Bearer ${ANY_AGENT_TEST_TOKEN}", "B": "$plain"}, "here") == {
        "A": "Bearer t0k",
        "B": "$plain",
    }
    monkeypatch.delenv("ANY_AGENT_TEST_TOKEN")
    with pytest.raises(ValueError, match=r"here refers to \$\{ANY_AGENT_TEST_TOKEN\}.*not set"):
        expand_env({"A": "${ANY_AGENT_TEST_TOKEN}"}, "here")


def test_creating_an_agent_starts_no_server() -> None:
    from any_agent import Agent

    config = AgentConfig(model_id="openai:x", api_key="k", tools=[McpStdio(command="definitely-not-a-command-xyz")])
    Agent.create(config)  # servers start on first use: a command that does not exist is no error yet
