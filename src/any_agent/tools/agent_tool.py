"""Agents as tools: an `Agent` or `AgentConfig` in another agent's ``tools`` becomes a `ToolSpec`.

The inner agent runs in-process, on its own framework, through the same tool boundary as any
other tool: the outer framework calls `ToolSpec.call`, whose ``execute_tool`` span is current when
the inner `Agent.run_async` starts, so the inner ``invoke_agent`` span (and everything under it) is
its child, in the same OpenTelemetry trace. The outer run's recorder collects those spans too (see
`any_agent.tracing.collector`), which is how the inner usage and cost roll up into the outer
trace's totals while `AgentTrace.agents` still shows them per agent.

The model sees one string parameter, ``input``: the task it hands over. The inner agent's answer
comes back as the tool result (JSON for a structured output); a failed inner run (its own
`max_turns` exceeded, its model down) is a tool error the outer model can read and act on.

Nesting is bounded: `check_nesting` refuses a cycle or a chain deeper than `MAX_AGENT_DEPTH` when
the outer agent is created, and each nested run checks the depth again (agents can be composed
after creation, or across processes over A2A).
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

from pydantic import BaseModel, ConfigDict

from any_agent.errors import AgentRunError, ConfigError
from any_agent.tools.schema import provider_safe_name
from any_agent.tools.spec import ToolResult, ToolSpec

if TYPE_CHECKING:
    from any_agent.config import AgentConfig, AgentLike

__all__ = [
    "INPUT_PARAMETER",
    "MAX_AGENT_DEPTH",
    "AgentNestingError",
    "agent_tool",
    "agents_as_tools",
    "check_nesting",
    "is_agent",
]

MAX_AGENT_DEPTH = 8
"""How many agents deep one run may nest (the outermost agent is depth 1)."""

INPUT_PARAMETER = "input"
"""The one argument of an agent tool: the task the outer model hands the inner agent."""

_chain: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("any_agent_agent_chain", default=())
"""The names of the agents the current code runs inside, outermost first (for the runtime bound)."""


class AgentNestingError(ConfigError):
    """Agents use each other in a cycle, or nest deeper than `MAX_AGENT_DEPTH`."""


def is_agent(tool: object) -> TypeGuard[AgentLike | AgentConfig]:
    """Whether a ``tools`` entry is an agent (an `Agent` or an `AgentConfig`)."""
    from any_agent.config import AgentConfig, AgentLike

    return isinstance(tool, AgentConfig | AgentLike)


def _config_of(tool: AgentLike | AgentConfig) -> AgentConfig:
    from any_agent.config import AgentConfig

    return tool if isinstance(tool, AgentConfig) else tool.config


def check_nesting(config: AgentConfig) -> None:
    """Refuse agents that use each other in a cycle, or chains deeper than `MAX_AGENT_DEPTH`.

    Raised at `Agent.create`, naming the path (``writer -> researcher -> writer``) and the field.
    """

    def walk(current: AgentConfig, path: tuple[AgentConfig, ...], field: str) -> None:
        for index, tool in enumerate(current.tools):
            if not is_agent(tool):
                continue
            inner = _config_of(tool)
            where = f"{field}tools[{index}]"
            names = " -> ".join(item.name for item in (*path, inner))
            if any(inner is seen for seen in path):
                raise AgentNestingError(f"agents use each other in a cycle: {names}", field=where)
            if len(path) + 1 > MAX_AGENT_DEPTH:
                raise AgentNestingError(
                    f"agents nest {len(path) + 1} deep ({names}); at most {MAX_AGENT_DEPTH} are allowed",
                    field=where,
                )
            walk(inner, (*path, inner), f"{where}.")

    walk(config, (config,), "")


class _AgentRef:
    """The inner agent of a tool: given, or created from its config on first use (then owned)."""

    def __init__(self, tool: AgentLike | AgentConfig) -> None:
        from any_agent.config import AgentConfig

        self._agent: AgentLike | None = None if isinstance(tool, AgentConfig) else tool
        self._config = _config_of(tool)
        self.owned = self._agent is None
        self._lock = threading.Lock()

    @property
    def config(self) -> AgentConfig:
        return self._config

    def get(self) -> AgentLike:
        from any_agent.agent import Agent

        with self._lock:  # tool calls may come from several threads' event loops at once
            if self._agent is None:
                self._agent = Agent.create(self._config)
            return self._agent

    async def aclose(self) -> None:
        """Close the agent this tool created (an agent it was given belongs to the caller)."""
        from any_agent.agent import Agent

        if self.owned and isinstance(self._agent, Agent):
            await self._agent.aclose()


def agent_tool(tool: AgentLike | AgentConfig, *, field: str = "tools") -> ToolSpec:
    """The tool that runs ``tool`` (an `Agent`, or an `AgentConfig` created on first call).

    Its name and description are the inner agent's ``name`` and ``description``. For a config, the
    framework's adapter is looked up now, so a missing one is a `ConfigError` at `Agent.create`.
    """
    from any_agent.registry import load_adapter

    ref = _AgentRef(tool)
    config = ref.config
    if ref.owned:
        try:
            load_adapter(config.framework)
        except ConfigError as error:
            raise ConfigError(f"agent {config.name!r}: {error}", field=field) from None
    name = provider_safe_name(config.name)
    description = config.description or f"Hand a task to the agent {config.name!r} and get its answer."
    parameters = {
        "type": "object",
        "properties": {
            INPUT_PARAMETER: {"type": "string", "description": f"The task or question for {config.name}."},
        },
        "required": [INPUT_PARAMETER],
        "additionalProperties": False,
    }

    async def execute(arguments: dict[str, Any]) -> Any:
        chain = _chain.get()
        if len(chain) + 1 >= MAX_AGENT_DEPTH:
            names = " -> ".join((*chain, config.name))
            raise AgentNestingError(f"agents nest deeper than {MAX_AGENT_DEPTH} ({names}); refusing to go on")
        token = _chain.set((*chain, config.name))
        try:
            result = await ref.get().run_async(arguments[INPUT_PARAMETER])
        except AgentRunError as error:  # its trace is already in the outer one: the spans nest
            return ToolResult(
                f"Error: agent {config.name!r} failed: {error}",
                is_error=True,
                error_type=f"{type(error).__module__}.{type(error).__qualname__}",
            )
        finally:
            _chain.reset(token)
        output = result.final_output
        return output.model_dump_json() if isinstance(output, BaseModel) else output

    return ToolSpec(name, description, parameters, execute, validate_agent_input, source=ref)


class _AgentInput(BaseModel):
    """What an agent tool takes: the task, as one string."""

    model_config = ConfigDict(extra="forbid")

    input: str


def validate_agent_input(arguments: dict[str, Any]) -> dict[str, Any]:
    """Check an agent tool's arguments: one ``input`` string, nothing else."""
    return _AgentInput.model_validate(arguments).model_dump()


def agents_as_tools(config: AgentConfig) -> list[Any]:
    """The config's tools, each agent among them (`Agent`, `AgentConfig`, `A2AAgentTool`) made a tool."""
    from any_agent.tools.a2a import A2AAgentTool

    if not any(is_agent(tool) or isinstance(tool, A2AAgentTool) for tool in config.tools):
        return list(config.tools)
    check_nesting(config)
    return [
        agent_tool(tool, field=f"tools[{index}]")
        if is_agent(tool)
        else tool.tool_spec(field=f"tools[{index}]")
        if isinstance(tool, A2AAgentTool)
        else tool
        for index, tool in enumerate(config.tools)
    ]


def agent_refs(specs: Sequence[ToolSpec]) -> list[_AgentRef]:
    """The inner agents among an agent's tools (to close the ones it created)."""
    return [spec.source for spec in specs if isinstance(spec.source, _AgentRef)]
