"""`tiny`: the agent loop written directly on the core, with no framework.

It is the default framework and the reference every adapter is compared with: call the model with
the tools; run the tool calls it asks for (concurrently, when it asks for several in one turn);
append the results; repeat until it answers without tool calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from any_agent.adapter import Adapter
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import ConfigError
from any_agent.model.client import ModelClient
from any_agent.model.types import Message, ToolCall
from any_agent.tools.spec import ToolSpec, unknown_tool_message

__all__ = ["TinyAdapter"]


class TinyAdapter(Adapter):
    """The reference agent loop."""

    framework: ClassVar[str] = "tiny"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        if config.agent_args:
            raise ConfigError("the tiny framework takes no agent_args", field="agent_args")
        self._by_name = {tool.name: tool for tool in self.tools}
        self._definitions = [tool.definition() for tool in self.tools] or None

    async def run(self, run: RunContext) -> Any:
        """Loop model call → tool calls until the model answers without calling a tool."""
        messages: list[Message] = []
        if self.config.instructions:
            messages.append({"role": "system", "content": self.config.instructions})
        messages.extend(run.input_messages)
        while True:
            response = await self.model.complete(
                messages, tools=self._definitions, response_format=self.config.output_type, run=run
            )
            messages.append(response.to_message())
            if not response.tool_calls:
                return response.parsed if response.parsed is not None else response.content
            results = await asyncio.gather(*(self._call(call, run) for call in response.tool_calls))
            messages.extend(
                {"role": "tool", "tool_call_id": call.id, "content": text}
                for call, text in zip(response.tool_calls, results, strict=True)
            )

    async def _call(self, call: ToolCall, run: RunContext) -> str:
        tool = self._by_name.get(call.name)
        if tool is None:
            return unknown_tool_message(call.name, list(self._by_name))
        result = await tool.call(call.arguments, call_id=call.id, run=run)
        return result.text
