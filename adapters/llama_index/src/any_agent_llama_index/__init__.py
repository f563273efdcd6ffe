"""any-agent on LlamaIndex: ``AgentConfig(framework="llama_index", ...)``.

LlamaIndex's `FunctionAgent` runs the agent loop (its workflow steps, its concurrent tool calls);
any-agent's core is its LLM (through `ModelBridge`, a LlamaIndex `FunctionCallingLLM`) and its tools
(through `ToolBridge`), so traces, retries, streaming and turn limits are the core's.
"""

from any_agent_llama_index.adapter import LlamaIndexAdapter
from any_agent_llama_index.model_bridge import ModelBridge
from any_agent_llama_index.tool_bridge import ToolBridge

__all__ = ["LlamaIndexAdapter", "ModelBridge", "ToolBridge"]
