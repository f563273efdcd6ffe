"""any-agent on the OpenAI Agents SDK: ``AgentConfig(framework="openai", ...)``.

The SDK runs the agent loop; any-agent's core is its model (through `ModelBridge`) and its tools
(through `FunctionTool`s that call the core), so traces, retries and turn limits are the core's.
The SDK's own trace export to OpenAI is off unless the user turns it on.
"""

from any_agent_openai.adapter import OpenAIAgentsAdapter
from any_agent_openai.model_bridge import ModelBridge

__all__ = ["ModelBridge", "OpenAIAgentsAdapter"]
