"""The hook scenarios: each behaviour of `any_agent.hooks`, the same trace and outcome on every framework.

Hooks run at the core's boundaries, so no adapter has code for them; these scenarios hold that
promise. Each names the hook events its trace must carry (`HookScenario.expected_events`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from any_agent.hooks import (
    AbortRun,
    ApproveTools,
    Decision,
    EgressBlocked,
    GuardrailTripped,
    Hooks,
    InputGuardrail,
    KeepLocal,
    ModelCall,
    OutputGuardrail,
    PiiDetector,
    RunAborted,
    ToolCallDenied,
    ToolInvocation,
)
from any_agent.model.types import ModelResponse
from any_agent.testing import plan
from any_agent.testing.conformance.scenarios import AGENT, CHAT, Scenario, tool
from any_agent.testing.conformance.tools import get_weather
from any_agent.tools.spec import ToolResult
from any_agent.tracing import attributes as attr

__all__ = ["HOOK_SCENARIOS", "HookScenario", "abort_at"]

Event = tuple[str, str, str, str]
"""(step name, event name, hook, what: the changes joined by ``+``, or the reason)."""


@dataclass(frozen=True)
class HookScenario(Scenario):
    """A scenario with hooks, and the hook events its trace carries, in order."""

    expected_events: tuple[Event, ...] = ()


class RedactCard(Hooks):
    """Replaces a card number in the messages before the model sees them."""

    async def before_model_call(self, call: ModelCall) -> None:
        for message in call.messages:
            content = message.get("content")
            if isinstance(content, str):
                message["content"] = content.replace("4111 1111 1111 1111", "[card]")


class ToBerlin(Hooks):
    """Sends every weather lookup to Berlin (a sync hook: those are accepted too)."""

    def before_tool_call(self, call: ToolInvocation) -> None:  # type: ignore[override]
        call.arguments["city"] = "Berlin"


class NoWeather(Hooks):
    """Denies weather lookups."""

    async def before_tool_call(self, call: ToolInvocation) -> None:
        raise ToolCallDenied("weather lookups are switched off")


class Snow(Hooks):
    """Replaces the tool's result."""

    async def after_tool_call(self, call: ToolInvocation, result: ToolResult) -> str:
        return f"{call.arguments['city']}: snow, -2°C"


class Signed(Hooks):
    """Signs the model's text answers."""

    async def after_model_call(self, call: ModelCall, response: ModelResponse) -> str | None:
        return f"{response.content} (checked)" if response.content else None


_HOOK_METHODS = {
    "on_run_start": 1,
    "before_model_call": 1,
    "after_model_call": 2,
    "before_tool_call": 1,
    "after_tool_call": 2,
    "on_run_end": 2,
}


def abort_at(method: str) -> Hooks:
    """A hook that ends the run from ``method`` (with reason ``stop at <method>``)."""

    async def stop(self: Hooks, *args: Any) -> None:
        raise AbortRun(f"stop at {method}")

    if method not in _HOOK_METHODS:
        raise ValueError(f"no hook method {method!r}")
    kind: type[Hooks] = type(f"AbortAt_{method}", (Hooks,), {method: stop, "name": f"abort_{method}"})
    return kind()


def _no_secrets(text: str) -> str | None:
    return "the input holds a password" if "password" in text else None


def _not_sunny(text: str) -> bool:
    return "sunny" in text


def _approve_berlin(call: ToolInvocation) -> Decision:
    return Decision(call.arguments.get("city") == "Berlin", "only Berlin is approved")


_WEATHER = plan([[("get_weather", {"city": "Paris"})]])
_DENIED = "Error: the call of tool 'get_weather' was denied: {}. Do not call it again with the same arguments."
_FULL = (AGENT, CHAT, tool("get_weather"), CHAT)


HOOK_SCENARIOS: list[HookScenario] = [
    HookScenario(
        "hook_edits_model_input",
        plan(["Noted."]),
        prompt="Pay with 4111 1111 1111 1111 please.",
        config={"hooks": [RedactCard()]},
        expected_output="Noted.",
        expected_steps=(AGENT, CHAT),
        expected_events=((CHAT, attr.HOOK_EVENT, "RedactCard", "messages"),),
    ),
    HookScenario(
        "hook_edits_tool_arguments",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [ToBerlin()]},
        expected_output="Done: Berlin: cloudy, 15°C",
        expected_steps=_FULL,
        expected_events=((tool("get_weather"), attr.HOOK_EVENT, "ToBerlin", "arguments"),),
    ),
    HookScenario(
        "hook_denies_tool",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [NoWeather()]},
        expected_output="Done: " + _DENIED.format("weather lookups are switched off"),
        expected_steps=_FULL,
        expected_events=(
            (tool("get_weather"), attr.TOOL_DENIED_EVENT, "NoWeather", "weather lookups are switched off"),
        ),
    ),
    HookScenario(
        "hook_replaces_tool_result",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [Snow()]},
        expected_output="Done: Paris: snow, -2°C",
        expected_steps=_FULL,
        expected_events=((tool("get_weather"), attr.HOOK_EVENT, "Snow", "result"),),
    ),
    HookScenario(
        "hook_replaces_answer",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [Signed()]},
        expected_output="Done: Paris: sunny, 21°C (checked)",
        expected_steps=_FULL,
        expected_events=((CHAT, attr.HOOK_EVENT, "Signed", "response"),),
    ),
    HookScenario(
        "hooks_run_in_order",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [ToBerlin(), Snow()]},
        expected_output="Done: Berlin: snow, -2°C",
        expected_steps=_FULL,
        expected_events=(
            (tool("get_weather"), attr.HOOK_EVENT, "ToBerlin", "arguments"),
            (tool("get_weather"), attr.HOOK_EVENT, "Snow", "result"),
        ),
    ),
    HookScenario(
        "approval_yes",
        plan([[("get_weather", {"city": "Berlin"})]]),
        tools=(get_weather,),
        config={"hooks": [ApproveTools(["get_weather"], ask=_approve_berlin)]},
        expected_output="Done: Berlin: cloudy, 15°C",
        expected_steps=_FULL,
    ),
    HookScenario(
        "approval_no",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [ApproveTools(["get_weather"], ask=_approve_berlin)]},
        expected_output="Done: " + _DENIED.format("only Berlin is approved"),
        expected_steps=_FULL,
        expected_events=((tool("get_weather"), attr.TOOL_DENIED_EVENT, "ApproveTools", "only Berlin is approved"),),
    ),
    HookScenario(
        "input_guardrail_passes",
        plan(["Hello!"]),
        prompt="Hi",
        config={"hooks": [InputGuardrail(_no_secrets)]},
        expected_output="Hello!",
        expected_steps=(AGENT, CHAT),
    ),
    # Runs that must end with the error class given as the expected output.
    HookScenario(
        "input_guardrail_trips",
        plan(["never sent"]),
        prompt="My password is hunter2",
        config={"hooks": [InputGuardrail(_no_secrets)]},
        expected_output=GuardrailTripped,
        expected_steps=(AGENT,),
        expected_events=((AGENT, attr.ABORT_EVENT, "_no_secrets", "the input holds a password"),),
    ),
    HookScenario(
        "output_guardrail_trips",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [OutputGuardrail(_not_sunny)]},
        expected_output=GuardrailTripped,
        expected_steps=_FULL,
        expected_events=((AGENT, attr.ABORT_EVENT, "_not_sunny", "tripped"),),
    ),
    HookScenario(
        "egress_blocked",
        plan(["never sent"]),
        prompt="Mail ada@example.com the report.",
        config={"hooks": [KeepLocal(PiiDetector())]},
        expected_output=EgressBlocked,
        expected_steps=(AGENT, CHAT),
        expected_events=(
            (
                CHAT,
                attr.ABORT_EVENT,
                "KeepLocal",
                "found e-mail address in the messages; the call to openai:scripted was blocked (no route_to is set)",
            ),
        ),
    ),
]

_ABORT_STEPS = {
    "on_run_start": (AGENT,),
    "before_model_call": (AGENT, CHAT),
    "after_model_call": (AGENT, CHAT),
    "before_tool_call": (AGENT, CHAT, tool("get_weather")),
    "after_tool_call": (AGENT, CHAT, tool("get_weather")),
    "on_run_end": _FULL,
}
_ABORT_SPAN = {"on_run_start": AGENT, "on_run_end": AGENT, "before_tool_call": tool("get_weather")}
_ABORT_SPAN["after_tool_call"] = tool("get_weather")

HOOK_SCENARIOS += [
    HookScenario(
        f"abort_{method}",
        _WEATHER,
        tools=(get_weather,),
        config={"hooks": [abort_at(method)]},
        expected_output=RunAborted,
        expected_steps=steps,
        expected_events=((_ABORT_SPAN.get(method, CHAT), attr.ABORT_EVENT, f"abort_{method}", f"stop at {method}"),),
    )
    for method, steps in _ABORT_STEPS.items()
]
