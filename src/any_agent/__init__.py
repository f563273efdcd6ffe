"""any-agent: define an AI agent once, run it on any framework, compare the traces.

Example::

    from any_agent import Agent, AgentConfig

    agent = Agent.create(AgentConfig(model_id="openai:gpt-4.1-mini", tools=[get_weather]))
    trace = agent.run("What is the weather in Paris?")
    print(trace.final_output, trace.usage)
"""

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
