"""Core tools as smolagents tools, and each run's tool calls through `Toolset.dispatch`."""

from __future__ import annotations

from typing import Any

from smolagents import Tool

from any_agent.context import RunContext
from any_agent.tools.dispatch import Toolset
from any_agent.tools.ledger import arguments_object
from any_agent.tools.spec import ToolSpec
from any_agent_smolagents.conversation import Conversation

__all__ = ["RunCalls", "ToolBridge"]

_TYPES = {"string", "boolean", "integer", "number", "array", "object", "null"}


class ToolBridge(Tool):  # type: ignore[misc]  # smolagents is untyped
    """One core tool as a smolagents `Tool`: what smolagents lists, and what ``native`` runs call.

    In an any-agent run the agent hands every call to `RunCalls` instead, with the call's id.
    """

    skip_forward_signature_validation = True

    def __init__(self, spec: ToolSpec, toolset: Toolset) -> None:
        super().__init__()
        self.name = spec.name
        self.description = spec.description
        self.inputs = _inputs(spec.parameters)
        self.output_type = "string"
        self.toolset = toolset

    def validate_arguments(self) -> None:
        """Nothing to check: the core checked the spec, whose names need not be Python identifiers (MCP tools)."""

    def forward(self, **arguments: Any) -> str:
        """A call from smolagents itself (a ``native`` run): dispatched through the core."""
        return self.toolset.dispatch_sync(self.name, arguments).text


class RunCalls:
    """One run's tool calls: each goes to `Toolset.dispatch` with the call the model wrote.

    smolagents hands a tool only its name and parsed arguments; the call is found in the run's
    ledger by both (as for CrewAI), so the core validates the model's raw arguments and the result
    is recorded under the call's id for the next request (see `Conversation`).
    """

    def __init__(self, toolset: Toolset, run: RunContext, conversation: Conversation) -> None:
        self.toolset = toolset
        self.run = run
        self.conversation = conversation

    def __call__(self, name: str, arguments: dict[str, Any] | str) -> str:
        """Run the call and return the text the model is shown (an error's too); never raises."""
        given = arguments if isinstance(arguments, dict) else arguments_object(arguments)
        call = self.run.calls.claim(name, given, self.toolset.names)
        if call is None:  # not a call the model wrote (a step callback's, say): dispatched as given
            return self.toolset.dispatch_sync(name, given, run=self.run).text
        result = self.toolset.dispatch_sync(name, call.arguments, call_id=call.id, run=self.run)
        self.conversation.result(call.id, result.text)
        return result.text


def _inputs(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The JSON schema's properties in smolagents' ``inputs`` shape (for its own prompts and native runs)."""
    required = set(schema.get("required", []))
    inputs: dict[str, dict[str, Any]] = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        entry: dict[str, Any] = {
            "type": kind if isinstance(kind, str) and kind in _TYPES else "any",
            "description": prop.get("description") or name,
        }
        if name not in required:
            entry["nullable"] = True
        inputs[name] = entry
    return inputs
