"""any-agent on Google's Agent Development Kit: ``AgentConfig(framework="adk", ...)``.

ADK's `Runner` runs the agent loop (its `LlmAgent`, its sessions, its concurrent tool calls);
any-agent's core is its model (through `ModelBridge`, an ADK `BaseLlm`: no Gemini client, no
LiteLLM) and its tools (through `ToolBridge`), so traces, retries, streaming and turn limits are the
core's. ADK's own OpenTelemetry spans are off in any-agent runs unless ``agent_args={"telemetry": True}``.
"""

from any_agent_adk.adapter import TELEMETRY_KEY, ADKAdapter
from any_agent_adk.model_bridge import ModelBridge
from any_agent_adk.tool_bridge import ToolBridge

__all__ = ["TELEMETRY_KEY", "ADKAdapter", "ModelBridge", "ToolBridge"]
