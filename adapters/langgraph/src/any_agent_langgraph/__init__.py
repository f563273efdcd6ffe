"""any-agent on LangGraph: `AgentConfig` → ``langchain.agents.create_agent`` with core model and tool bridges."""

from any_agent_langgraph.adapter import GraphFactory, LangGraphAdapter, RunInterrupted
from any_agent_langgraph.model_bridge import ModelBridge
from any_agent_langgraph.tool_bridge import ToolBridge

__all__ = ["GraphFactory", "LangGraphAdapter", "ModelBridge", "RunInterrupted", "ToolBridge"]
