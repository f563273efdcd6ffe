"""any-agent on pydantic-ai: ``AgentConfig(framework="pydantic_ai", ...)``.

pydantic-ai runs the agent loop (its graph, its concurrent tool calls); any-agent's core is its
model (through `ModelBridge`, a pydantic-ai `Model`) and its tools (through `ToolBridge`), so
traces, retries, streaming and turn limits are the core's. pydantic-ai's own instrumentation is off
unless ``agent_args={"instrument": True}``.
"""

from any_agent_pydantic_ai.adapter import INSTRUMENT_KEY, PydanticAIAdapter
from any_agent_pydantic_ai.model_bridge import ModelBridge
from any_agent_pydantic_ai.tool_bridge import ToolBridge

__all__ = ["INSTRUMENT_KEY", "ModelBridge", "PydanticAIAdapter", "ToolBridge"]
