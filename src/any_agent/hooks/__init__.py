"""Hooks: see and steer what happens at the run's boundaries, identically on every framework.

See docs/hooks.md. `Hooks` is the base class; `AgentConfig(hooks=[...])` takes instances. Built on
it: `InputGuardrail` / `OutputGuardrail`, `ApproveTools`, and the `KeepLocal` egress policy.
"""

from any_agent.hooks.approval import ApproveTools, Decision, ask_in_terminal
from any_agent.hooks.base import AbortRun, Hooks, ModelCall, RouteTarget, RunAborted, ToolCallDenied, ToolInvocation
from any_agent.hooks.chain import HookError
from any_agent.hooks.detectors import Detector, PiiDetector, messages_text
from any_agent.hooks.egress import EgressBlocked, KeepLocal
from any_agent.hooks.guardrails import GuardrailTripped, GuardrailVerdict, InputGuardrail, OutputGuardrail
from any_agent.hooks.tool_step import denied_message

__all__ = [
    "AbortRun",
    "ApproveTools",
    "Decision",
    "Detector",
    "EgressBlocked",
    "GuardrailTripped",
    "GuardrailVerdict",
    "HookError",
    "Hooks",
    "InputGuardrail",
    "KeepLocal",
    "ModelCall",
    "OutputGuardrail",
    "PiiDetector",
    "RouteTarget",
    "RunAborted",
    "ToolCallDenied",
    "ToolInvocation",
    "ask_in_terminal",
    "denied_message",
    "messages_text",
]
