"""any-agent: define an AI agent once, run it on any framework, compare the traces.

Example::

    from any_agent import Agent, AgentConfig

    agent = Agent.create(AgentConfig(model_id="openai:gpt-4.1-mini", tools=[get_weather]))
    trace = agent.run("What is the weather in Paris?")
    print(trace.final_output, trace.usage)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what mypy and IDEs see; at run time each name is imported on first use (`__getattr__`)
    from any_agent.adapter import Adapter, TraceDifference
    from any_agent.agent import Agent, RunInput
    from any_agent.config import AgentConfig
    from any_agent.context import RunContext, current_run
    from any_agent.errors import (
        AdapterNotFoundError,
        AgentRunError,
        AnyAgentError,
        ConfigError,
        MaxTurnsExceeded,
        ModelCallError,
        ModelResponseError,
        ModelStreamError,
        RunCancelled,
        RunInterrupted,
        ToolDefinitionError,
    )
    from any_agent.model.client import ModelClient, TurnLimitReached
    from any_agent.model.types import Message, ModelResponse, ToolCall, Usage
    from any_agent.registry import available_frameworks, installed_frameworks
    from any_agent.streaming import (
        ModelResponseEvent,
        RunEvent,
        RunFailed,
        RunFinished,
        TextDeltaEvent,
        ToolCallEvent,
        ToolResultEvent,
        event_data,
    )
    from any_agent.tools.spec import ToolResult, ToolSpec
    from any_agent.tracing.trace import AgentTrace, SpanRecord

__all__ = [
    "Adapter",
    "AdapterNotFoundError",
    "Agent",
    "AgentConfig",
    "AgentRunError",
    "AgentTrace",
    "AnyAgentError",
    "ConfigError",
    "MaxTurnsExceeded",
    "Message",
    "ModelCallError",
    "ModelClient",
    "ModelResponse",
    "ModelResponseError",
    "ModelResponseEvent",
    "ModelStreamError",
    "RunCancelled",
    "RunContext",
    "RunEvent",
    "RunFailed",
    "RunFinished",
    "RunInput",
    "RunInterrupted",
    "SpanRecord",
    "TextDeltaEvent",
    "ToolCall",
    "ToolCallEvent",
    "ToolDefinitionError",
    "ToolResult",
    "ToolResultEvent",
    "ToolSpec",
    "TraceDifference",
    "TurnLimitReached",
    "Usage",
    "available_frameworks",
    "current_run",
    "event_data",
    "installed_frameworks",
]

# Where each public name lives. Importing the package loads none of them, so `import any_agent` (and
# the command line, a subpackage) costs almost nothing; `from any_agent import Agent` loads what Agent needs.
_LAZY: dict[str, str] = {
    "Adapter": "any_agent.adapter",
    "AdapterNotFoundError": "any_agent.errors",
    "Agent": "any_agent.agent",
    "AgentConfig": "any_agent.config",
    "AgentRunError": "any_agent.errors",
    "AgentTrace": "any_agent.tracing.trace",
    "AnyAgentError": "any_agent.errors",
    "ConfigError": "any_agent.errors",
    "MaxTurnsExceeded": "any_agent.errors",
    "Message": "any_agent.model.types",
    "ModelCallError": "any_agent.errors",
    "ModelClient": "any_agent.model.client",
    "ModelResponse": "any_agent.model.types",
    "ModelResponseError": "any_agent.errors",
    "ModelResponseEvent": "any_agent.streaming",
    "ModelStreamError": "any_agent.errors",
    "RunCancelled": "any_agent.errors",
    "RunContext": "any_agent.context",
    "RunEvent": "any_agent.streaming",
    "RunFailed": "any_agent.streaming",
    "RunFinished": "any_agent.streaming",
    "RunInput": "any_agent.agent",
    "RunInterrupted": "any_agent.errors",
    "SpanRecord": "any_agent.tracing.trace",
    "TextDeltaEvent": "any_agent.streaming",
    "ToolCall": "any_agent.model.types",
    "ToolCallEvent": "any_agent.streaming",
    "ToolDefinitionError": "any_agent.errors",
    "ToolResult": "any_agent.tools.spec",
    "ToolResultEvent": "any_agent.streaming",
    "ToolSpec": "any_agent.tools.spec",
    "TraceDifference": "any_agent.adapter",
    "TurnLimitReached": "any_agent.model.client",
    "Usage": "any_agent.model.types",
    "available_frameworks": "any_agent.registry",
    "current_run": "any_agent.context",
    "event_data": "any_agent.streaming",
    "installed_frameworks": "any_agent.registry",
}


def __getattr__(name: str) -> Any:
    """PEP 562: import a public name's module the first time the name is used, then keep the name here."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'any_agent' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
