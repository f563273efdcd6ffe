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
from any_agent.model.types import Message
from any_agent.tools.spec import ToolSpec

__all__ = ["TinyAdapter"]


class TinyAdapter(Adapter):
    """The reference agent loop."""

    framework: ClassVar[str] = "tiny"

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        super().__init__(config, model, tools)
        if config.agent_args:
            raise ConfigError("the tiny framework takes no agent_args", field="agent_args")
        self._definitions = self.toolset.definitions()

    async def run(self, run: RunContext) -> Any:
        """Loop model call → tool calls until the model answers without calling a tool."""
        messages: list[Message] = []
        if self.config.instructions:
            messages.append({"role": "system", "content": self.config.instructions})
        # The input as every model call would restore it, then only the model's own turns and the
        # results written here: nothing for the core to restore on each call.
        messages.extend(run.calls.restore(run.input_messages))
        run.calls.vouch(messages)
        while True:
            response = await self.model.complete(
                messages, tools=self._definitions, response_format=self.config.output_type, run=run
            )
            messages.append(response.to_message())
            if not response.tool_calls:
                return response.parsed if response.parsed is not None else response.content
            results = await asyncio.gather(
                *(
                    self.toolset.dispatch(call.name, call.arguments, call_id=call.id, run=run)
                    for call in response.tool_calls
                )
            )
            messages.extend(
                {"role": "tool", "tool_call_id": call.id, "content": result.text}
                for call, result in zip(response.tool_calls, results, strict=True)
            )
