"""The tool dispatch's hook step: ``before_tool_call`` and ``after_tool_call`` around one tool call.

It runs inside the call's ``execute_tool`` span (`ToolSpec.traced`), so what the hooks do is on that
span: an event per change, a denied call as an error result (``error.type`` ``ToolCallDenied``) that
the model reads and answers, a run ended by a hook as the span's error. The span's arguments stay
the ones the model wrote; its result is the one the model is sent.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from opentelemetry import trace

from any_agent.context import RunContext
from any_agent.hooks.base import AbortRun, ToolCallDenied, ToolInvocation
from any_agent.hooks.chain import HookChain, HookError, plain_copy
from any_agent.model.types import ToolCall
from any_agent.tools.ledger import arguments_object
from any_agent.tools.spec import ToolResult
from any_agent.tracing import attributes as attr
from any_agent.tracing.content import capture_content

__all__ = ["DENIED_ERROR", "denied_message", "hooked_tool_call"]

DENIED_ERROR = "ToolCallDenied"
"""``error.type`` of the ``execute_tool`` span of a denied call."""


def denied_message(name: str, reason: str) -> str:
    """What the model is told when a hook denies its call (the same on every framework)."""
    return f"Error: the call of tool {name!r} was denied: {reason}. Do not call it again with the same arguments."


async def hooked_tool_call(
    hooks: HookChain, call: ToolCall, run: RunContext | None, execute: Callable[[str], Awaitable[ToolResult]]
) -> ToolResult:
    """Run ``execute`` (validate and run the tool on raw arguments) between the chain's tool hooks."""
    span = trace.get_current_span()
    content = capture_content()
    invocation = ToolInvocation(call.name, arguments_object(call.arguments), call.id, run, call.arguments)
    raw = call.arguments
    try:
        for hook in hooks.before_tool:
            before = plain_copy(invocation.arguments)
            try:
                await hooks.invoke(hook, "before_tool_call", invocation)
            except ToolCallDenied as denied:
                span.add_event(attr.TOOL_DENIED_EVENT, {"hook": hook.hook_name, "reason": denied.reason})
                return ToolResult(denied_message(call.name, denied.reason), is_error=True, error_type=DENIED_ERROR)
            if invocation.arguments != before:
                raw = json.dumps(invocation.arguments)
                span.add_event(attr.HOOK_EVENT, _change(hook.hook_name, "arguments", json.dumps(before), content))
        result = await execute(raw)
        for hook in hooks.after_tool:
            replacement = await hooks.invoke(hook, "after_tool_call", invocation, result)
            if replacement is None or replacement is result:
                continue
            original = result
            result = ToolResult(replacement) if isinstance(replacement, str) else replacement
            if not isinstance(result, ToolResult):
                error = TypeError(f"after_tool_call returned {type(replacement).__name__}, not str or ToolResult")
                raise HookError(hook.hook_name, "after_tool_call", error) from error
            span.add_event(attr.HOOK_EVENT, _change(hook.hook_name, "result", original.text, content))
        return result
    except (AbortRun, HookError) as stop:
        reason, kind = (stop.reason, "run_aborted") if isinstance(stop, AbortRun) else (str(stop), "hook_failed")
        span.add_event(attr.ABORT_EVENT, {"hook": stop.hook or "?", "reason": reason})
        span.set_status(trace.StatusCode.ERROR, reason)
        span.set_attribute(attr.ERROR_TYPE, kind)
        if run is not None:
            run.fail(stop)  # the framework may catch it and go on; the run ends with it all the same
        raise


def _change(hook: str, change: str, before: str, content: bool) -> dict[str, Any]:
    event: dict[str, Any] = {"hook": hook, "changes": [change]}
    if content:
        event[f"{change}_before"] = before
    return event
