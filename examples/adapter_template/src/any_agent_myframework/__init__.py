"""any-agent on MyFramework: ``AgentConfig(framework="myframework", ...)``."""

from any_agent_myframework.adapter import MyFrameworkAdapter
from any_agent_myframework.model_bridge import ModelBridge
from any_agent_myframework.tool_bridge import ToolBridge

__all__ = ["ModelBridge", "MyFrameworkAdapter", "ToolBridge"]
