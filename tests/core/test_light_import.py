"""What importing any-agent loads: behaviour, not timing (bench/run.py times it).

`import any_agent` loads none of the core's modules (each public name is imported on first use), a
program that uses the agent API does not load the MCP client, any-llm, genai-prices, jsonschema, the
agent-file parsers or the command line's rich and typer until it needs them, and ``any-agent --help``
loads none of the core.
Each check runs in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import any_agent

# Loaded only when a run needs them (an MCP server, a model call, a price, a tool's arguments) or by the CLI.
DEFERRED = ["mcp", "any_llm", "genai_prices", "jsonschema", "rich", "typer", "httpx", "openai", "yaml"]


def _modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=120)
    return set(json.loads(out.stdout.splitlines()[-1]))


def _loaded(modules: set[str], packages: list[str]) -> list[str]:
    return sorted({name.split(".")[0] for name in modules} & set(packages))


def test_import_any_agent_loads_none_of_the_core() -> None:
    modules = _modules_after("import any_agent")
    assert sorted(m for m in modules if m.startswith("any_agent")) == ["any_agent"]
    assert _loaded(modules, [*DEFERRED, "pydantic", "opentelemetry"]) == []


def test_the_agent_api_loads_no_mcp_provider_prices_schema_validator_or_cli() -> None:
    modules = _modules_after(
        "from any_agent import Agent, AgentConfig\nimport any_agent\n"
        "for name in any_agent.__all__: getattr(any_agent, name)"
    )
    assert "any_agent.config" in modules and "any_agent.agent" in modules  # the names were really imported
    assert _loaded(modules, [*DEFERRED, "docstring_parser"]) == []  # the parsers load with a file or a tool
    assert not any(m.startswith("any_agent.cli") for m in modules)


def test_cli_help_loads_none_of_the_core() -> None:
    code = (
        "sys.argv = ['any-agent', '--help']\nfrom any_agent.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\nsys.stdout.flush()"
    )
    modules = _modules_after(code)
    core = sorted(m for m in modules if m.startswith("any_agent") and not m.startswith("any_agent.cli"))
    assert core == ["any_agent"]
    assert _loaded(modules, ["pydantic", "opentelemetry", "any_llm", "mcp", "yaml"]) == []


@pytest.mark.parametrize("name", any_agent.__all__)
def test_every_public_name_is_the_object_its_module_defines(name: str) -> None:
    value = getattr(any_agent, name)
    module = sys.modules[any_agent._LAZY[name]]
    assert value is getattr(module, name)
    assert name in dir(any_agent)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Agnet'"):
        any_agent.Agnet  # noqa: B018
    with pytest.raises(ImportError, match="Agnet"):
        exec("from any_agent import Agnet")
