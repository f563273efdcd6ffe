"""`HookChain`: an agent's hooks, called in order, the way every boundary calls them.

Built once per agent (`HookChain.of`), it knows which hooks override which method, so a boundary
whose method no hook overrides does nothing at all, and an agent without hooks has no chain (the
model client then has no hook layer, and the tool dispatch skips the step).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from any_agent.errors import AnyAgentError
from any_agent.hooks.base import AbortRun, Hooks, RouteTarget, ToolCallDenied
from any_agent.tracing import attributes as attr

if TYPE_CHECKING:
    from any_agent.context import RunContext
    from any_agent.tracing.trace import AgentTrace

__all__ = ["HookChain", "HookError", "plain_copy"]

_METHODS = (
    "on_run_start",
    "before_model_call",
    "after_model_call",
    "before_tool_call",
    "after_tool_call",
    "on_run_end",
)


def plain_copy(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, tuples of immutable leaves): what hooks are handed.

    Several times faster than `copy.deepcopy`, which pays for generality (memo, reducers) that chat
    messages and tool arguments do not need; it runs on every hooked call, over the whole history.
    """
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(plain_copy(item) for item in value)
    return value


class HookError(AnyAgentError):
    """A hook raised something other than `AbortRun` or `ToolCallDenied`: the run fails with it.

    Attributes:
        hook: The name of the hook.
    """

    def __init__(self, hook: str, method: str, error: Exception) -> None:
        self.hook = hook
        super().__init__(f"hook {hook} failed in {method}: {type(error).__name__}: {error}")


class HookChain:
    """An agent's hooks, with the ones that override each method listed once."""

    def __init__(self, hooks: Sequence[Hooks]) -> None:
        self.hooks = list(hooks)
        overriding = {
            method: [hook for hook in self.hooks if getattr(type(hook), method) is not getattr(Hooks, method)]
            for method in _METHODS
        }
        self.run_start = overriding["on_run_start"]
        self.before_model = overriding["before_model_call"]
        self.after_model = overriding["after_model_call"]
        self.before_tool = overriding["before_tool_call"]
        self.after_tool = overriding["after_tool_call"]
        self.run_end = overriding["on_run_end"]

    @classmethod
    def of(cls, hooks: Sequence[Hooks]) -> HookChain | None:
        """The chain of ``hooks``; None when there are none (the boundaries then skip hooks entirely)."""
        return cls(hooks) if hooks else None

    @property
    def on_models(self) -> bool:
        """Whether any hook acts on model calls (the model client then gets its hook layer)."""
        return bool(self.before_model or self.after_model)

    @property
    def on_tools(self) -> bool:
        """Whether any hook acts on tool calls."""
        return bool(self.before_tool or self.after_tool)

    def routes(self) -> list[RouteTarget]:
        """Every model a hook may reroute calls to."""
        return [target for hook in self.hooks for target in hook.routes()]

    async def invoke(self, hook: Hooks, method: str, *args: Any) -> Any:
        """Call ``hook.method(*args)``, awaiting it if it is async.

        `AbortRun` is stamped with the hook's name; any exception but the verdicts (`AbortRun`, and
        `ToolCallDenied` from ``before_tool_call``) becomes a `HookError` naming the hook.
        """
        try:
            result = getattr(hook, method)(*args)
            if inspect.isawaitable(result):
                result = await result
        except AbortRun as abort:
            if abort.hook is None:
                abort.hook = hook.hook_name
            raise
        except ToolCallDenied as denied:
            if method == "before_tool_call":
                raise
            error = TypeError(f"ToolCallDenied is a verdict on a tool call, raised from {method}: {denied}")
            raise HookError(hook.hook_name, method, error) from denied
        except Exception as error:
            raise HookError(hook.hook_name, method, error) from error
        return result

    async def run_started(self, run: RunContext) -> None:
        """Call the ``on_run_start`` hooks; a hook that ends the run raises, recorded on the run's span."""
        for hook in self.run_start:
            await self._run_level(run, hook, "on_run_start", run)

    async def run_ended(self, run: RunContext, trace: AgentTrace) -> None:
        """Call the ``on_run_end`` hooks; one that ends the run fails it (unless it failed already)."""
        for hook in self.run_end:
            try:
                await self._run_level(run, hook, "on_run_end", run, trace)
            except (AbortRun, HookError):
                return

    async def _run_level(self, run: RunContext, hook: Hooks, method: str, *args: Any) -> None:
        try:
            await self.invoke(hook, method, *args)
        except (AbortRun, HookError) as stop:
            reason = stop.reason if isinstance(stop, AbortRun) else str(stop)
            run.span.add_event(attr.ABORT_EVENT, {"hook": stop.hook or "?", "reason": reason})
            run.fail(stop)
            raise
