"""A remote agent as a tool, over the Agent2Agent (A2A) protocol, with the official ``a2a-sdk``.

`A2AAgentTool` in `AgentConfig.tools` is one tool that sends the model's ``input`` to the A2A agent
at ``url`` and answers with its reply. The tool's name and description come from the agent's card
(fetched when the agent is created) unless given. The calls of one run, and of later runs with the
same ``conversation_id``, share one A2A context, so the remote agent sees one conversation.

The call is one ``execute_tool`` span here. It sends its W3C trace context (``traceparent``), so an
any-agent server puts the remote run's spans in the same trace, in its own process: export both
processes' spans to one OpenTelemetry backend to see the whole tree.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from opentelemetry import propagate
from pydantic import BaseModel, ConfigDict, Field

from any_agent._portal import run_sync
from any_agent.context import current_run
from any_agent.errors import ConfigError
from any_agent.tools.schema import provider_safe_name
from any_agent.tools.spec import ToolResult, ToolSpec

if TYPE_CHECKING:
    from a2a.types import AgentCard

__all__ = ["A2AAgentTool"]

_CARD_TIMEOUT = 10.0


class A2AAgentTool(BaseModel):
    """A remote A2A agent, called as a tool. In an agent file: ``{a2a: URL}`` in ``tools``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    """The agent's base URL (where its card is served, ``/.well-known/agent-card.json`` below it)."""
    name: str | None = None
    """The tool's name; the card's name when unset."""
    description: str | None = None
    """What the model is told the tool does; the card's description when unset."""
    timeout: float = Field(default=300.0, gt=0)
    """Seconds one call may take, the remote agent's whole run included."""

    def tool_spec(self, *, field: str = "tools") -> ToolSpec:
        """The tool; fetches the card now unless both name and description are given."""
        _require_sdk(field)
        card = None if self.name and self.description else run_sync(self._card(field))
        name = provider_safe_name(self.name or (card.name if card is not None else "remote_agent"))
        description = self.description or (card.description if card is not None else "")
        parameters = {
            "type": "object",
            "properties": {"input": {"type": "string", "description": f"The task or question for {name}."}},
            "required": ["input"],
            "additionalProperties": False,
        }
        from any_agent.tools.agent_tool import validate_agent_input

        async def execute(arguments: dict[str, Any]) -> Any:
            return await self._send(arguments["input"], card)

        return ToolSpec(name, description, parameters, execute, validate_agent_input, kind="extension", source=self)

    async def _card(self, field: str) -> AgentCard:
        import httpx
        from a2a.client import A2ACardResolver

        try:
            async with httpx.AsyncClient(timeout=_CARD_TIMEOUT) as http:
                return await A2ACardResolver(httpx_client=http, base_url=self.url).get_agent_card()
        except Exception as error:
            raise ConfigError(
                f"cannot read the A2A agent card at {self.url}: {type(error).__name__}: {error}. Is the agent "
                "served there (any-agent serve AGENT_FILE --a2a)?",
                field=field,
            ) from None

    async def _send(self, text: str, card: AgentCard | None) -> Any:
        import httpx
        from a2a.client import ClientConfig, ClientFactory
        from a2a.helpers import get_stream_response_text
        from a2a.types import Message, Part, Role, SendMessageRequest, TaskState

        run = current_run()
        context_id = run.conversation_id if run is not None else uuid.uuid4().hex
        headers: dict[str, str] = {}
        propagate.inject(headers)  # the `execute_tool` span's trace context: the remote run joins this trace
        async with httpx.AsyncClient(timeout=self.timeout, headers=headers) as http:
            if card is None:
                card = await self._card("tools")
            client = ClientFactory(ClientConfig(streaming=False, httpx_client=http)).create(card)
            message = Message(
                role=Role.ROLE_USER, parts=[Part(text=text)], message_id=uuid.uuid4().hex, context_id=context_id
            )
            last = None
            try:
                async for response in client.send_message(SendMessageRequest(message=message)):
                    last = response
            finally:
                await client.close()
        if last is None:
            return ToolResult("Error: the remote agent sent no answer", is_error=True, error_type="a2a_no_answer")
        if last.HasField("task") and last.task.status.state != TaskState.TASK_STATE_COMPLETED:
            state = TaskState.Name(last.task.status.state)
            reason = get_stream_response_text(last) or (
                last.task.status.message.parts[0].text if last.task.status.message.parts else ""
            )
            return ToolResult(
                f"Error: the remote agent ended in {state}: {reason}".rstrip(": "),
                is_error=True,
                error_type="a2a_task_failed",
            )
        return get_stream_response_text(last, delimiter="")


def _require_sdk(field: str) -> None:
    try:
        import a2a.client  # noqa: F401
    except ImportError as error:
        raise ConfigError(
            f"A2AAgentTool needs the a2a-sdk package ({error}): install any-agent with its 'a2a' extra "
            "(docs/multi-agent.md)",
            field=field,
        ) from None
