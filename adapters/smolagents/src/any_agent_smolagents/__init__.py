"""any-agent on smolagents: ``AgentConfig(framework="smolagents", ...)``.

smolagents' `ToolCallingAgent` runs the agent loop (its steps, its parallel tool calls, its final
answer); any-agent's core is its model (through `ModelBridge`) and its tools, so traces, retries,
streaming and turn limits are the core's. smolagents prints nothing unless
``agent_args={"verbosity_level": 1}``.
"""

from any_agent_smolagents.adapter import SmolagentsAdapter
from any_agent_smolagents.model_bridge import ModelBridge
from any_agent_smolagents.tool_bridge import ToolBridge

__all__ = ["ModelBridge", "SmolagentsAdapter", "ToolBridge"]
