"""What a hook is, what it is handed, and how it stops a call or a run.

A hook is an object with up to six methods, each called at one boundary the core owns: the run's
start and end, before and after each model call (`any_agent.hooks.model_layer`), before and after
each tool call (`any_agent.hooks.tool_step`). Because the core owns those boundaries on every
framework, one hook behaves the same on all of them, and no adapter has code for it.

Unlike mozilla-ai/any-agent's callbacks (its #609, #837), a hook edits what goes in: ``call.messages``
and ``call.model_args`` before a model call, ``call.arguments`` before a tool call, and replaces
what comes out by returning it. Unlike the OpenAI Agents SDK's `RunHooks`, whose methods observe
only, a hook may also deny a tool call (`ToolCallDenied`: the model is told, the run goes on) or end
the run (`AbortRun`: the run raises `RunAborted` with its partial trace).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from any_agent.errors import AgentRunError
from any_agent.model.types import Message, ModelResponse

if TYPE_CHECKING:
    from any_agent.context import RunContext
    from any_agent.tools.spec import ToolResult
    from any_agent.tracing.trace import AgentTrace

__all__ = [
    "AbortRun",
    "Hooks",
    "ModelCall",
    "RouteTarget",
    "RunAborted",
    "ToolCallDenied",
    "ToolInvocation",
]

RouteTarget = str | Mapping[str, Any]
"""Where a model call may be sent instead: what a ``fallback_model_ids`` entry takes, a
``provider:model`` id or a mapping with ``model_id`` (and ``api_base``, ``api_key``)."""


@dataclass
class ModelCall:
    """One model call as hooks see it, before it is sent.

    ``messages`` and ``model_args`` are the hook's own copies: edit them in place (or assign new
    ones) and the model is sent the edited call; the framework's history is never touched.
    """

    messages: list[Message]
    """The conversation the model is about to be sent, system prompt included."""
    model_args: dict[str, Any]
    """Completion parameters (``temperature``, ``max_tokens``...), `AgentConfig.model_args` merged in."""
    tools: Sequence[Mapping[str, Any]] | None
    """The tools offered to the model (OpenAI format); read only."""
    model: str
    """The ``provider:model`` id the call is about to go to."""
    local: bool
    """Whether that model runs on this machine (``local:``, ``ollama:``, ``llamacpp:``...)."""
    run: RunContext | None
    """The run the call belongs to; None for a model client used on its own."""
    rerouted: tuple[RouteTarget, str, str] | None = field(default=None, repr=False)
    """Set by `reroute`: where to, why, and which hook asked."""
    pinned: bool = field(default=False, repr=False)
    """Set by `keep_route`: no fallback for this call."""
    _hook: str = field(default="", repr=False)

    def keep_route(self) -> None:
        """Send this call only to the model it is about to go to: no fallback to the next one."""
        self.pinned = True

    def reroute(self, to: RouteTarget, *, reason: str) -> None:
        """Send this call to ``to`` instead (only there: no fallback to the agent's own models).

        ``reason`` is written on the ``chat`` span; keep the call's content out of it.
        """
        self.rerouted = (to, reason, self._hook)


@dataclass
class ToolInvocation:
    """One tool call as hooks see it, before the tool runs."""

    name: str
    """The tool's name."""
    arguments: dict[str, Any]
    """The arguments the model wrote, parsed (``{}`` when they are not a JSON object); edit them in place."""
    call_id: str
    """The model's id for the call."""
    run: RunContext | None
    """The run the call belongs to."""
    raw_arguments: str = ""
    """The arguments exactly as the model wrote them."""


class Hooks:
    """Subclass and override the methods you need; each does nothing here.

    Methods may be ``async def`` or plain ``def`` (a plain one runs on the event loop: keep it
    quick). The hooks of an agent run in the order `AgentConfig.hooks` lists them, each seeing what
    the ones before it changed. Any method may raise `AbortRun` to end the run; any other exception
    fails the run too (as `AgentRunError`, naming the hook).
    """

    name: str | None = None
    """How the trace names this hook; the class name when None."""

    async def on_run_start(self, run: RunContext) -> None:
        """The run starts; nothing has been sent to a model yet."""

    async def before_model_call(self, call: ModelCall) -> None:
        """A model call is about to be sent: edit ``call.messages`` / ``call.model_args``, or `ModelCall.reroute`."""

    async def after_model_call(self, call: ModelCall, response: ModelResponse) -> ModelResponse | str | None:
        """The model answered: return a replacement (the answer's new text, or a whole response), or None."""
        return None

    async def before_tool_call(self, call: ToolInvocation) -> None:
        """A tool is about to run: edit ``call.arguments``, or raise `ToolCallDenied` to tell the model no."""

    async def after_tool_call(self, call: ToolInvocation, result: ToolResult) -> ToolResult | str | None:
        """The tool returned: return a replacement (the text the model is sent, or a whole result), or None."""
        return None

    async def on_run_end(self, run: RunContext, trace: AgentTrace) -> None:
        """The run is over (``trace`` holds its steps and ``final_output``; its root span is still open)."""

    def routes(self) -> Sequence[RouteTarget]:
        """The models this hook may `ModelCall.reroute` calls to, checked when the agent is created."""
        return ()

    @property
    def hook_name(self) -> str:
        """The name the trace and errors give this hook."""
        return self.name or type(self).__name__


class AbortRun(Exception):
    """Raise from any hook to end the run now; the run raises `RunAborted` with the partial trace."""

    error: ClassVar[type[RunAborted]]
    """The `AgentRunError` the run raises for it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.hook: str | None = None
        """The hook that raised it (set by the core)."""
        super().__init__(reason)

    def describe(self) -> str:
        """The run's error message."""
        return f"the run was aborted by hook {self.hook or '?'}: {self.reason}"


class ToolCallDenied(Exception):
    """Raise from ``before_tool_call``: the tool does not run, the model is told why, the run goes on."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class RunAborted(AgentRunError):
    """A hook ended the run with `AbortRun`.

    Attributes:
        reason: The reason the hook gave.
        hook: The name of the hook that ended it.
    """

    def __init__(self, abort: AbortRun, *, trace: AgentTrace) -> None:
        self.reason = abort.reason
        self.hook = abort.hook or "?"
        super().__init__(abort.describe(), trace=trace, cause=abort)


AbortRun.error = RunAborted
