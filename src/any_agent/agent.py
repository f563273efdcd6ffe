"""`Agent`: create an agent from a config on any installed framework, run it, get its trace."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import AsyncGenerator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from opentelemetry import trace

from any_agent._portal import run_sync
from any_agent.adapter import Adapter
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.errors import (
    AgentRunError,
    AnyAgentError,
    ConfigError,
    MaxTurnsExceeded,
    RunCancelled,
    RunInterrupted,
)
from any_agent.hooks.base import AbortRun
from any_agent.hooks.chain import HookChain
from any_agent.model.client import ModelClient, TurnLimitReached
from any_agent.model.retry import RetryPolicy
from any_agent.model.route import ModelRoute
from any_agent.model.types import Message
from any_agent.output import OutputError, coerce_output
from any_agent.redaction import redact_chain, redact_text
from any_agent.registry import load_adapter
from any_agent.streaming.events import RunEvent
from any_agent.streaming.run import stream_run, stream_run_sync
from any_agent.tools.agent_tool import agent_refs, agents_as_tools
from any_agent.tools.ledger import CATCH_ALL
from any_agent.tools.mcp import mcp_toolbox
from any_agent.tools.spec import ToolSpec, tool_specs
from any_agent.tracing import attributes as attr
from any_agent.tracing.collector import SpanRecorder, get_tracer, record
from any_agent.tracing.content import capture_content
from any_agent.tracing.messages import input_messages
from any_agent.tracing.trace import AgentTrace

if TYPE_CHECKING:
    from any_agent.tools.mcp.toolbox import McpToolbox

__all__ = ["Agent", "RunInput"]

RunInput = str | Sequence[Message] | Sequence[Mapping[str, Any]]
"""A prompt, or a conversation as OpenAI-format chat messages (the last one the new user turn).

Messages are checked when the run starts, so plain dicts (read from JSON, say) are taken too.
"""

# `model_args` keys the core sets itself on every model call, and where the user sets them instead.
_OWNED_MODEL_ARGS = {
    "model": "set model_id",
    "messages": "the conversation is what run() is given",
    "tools": "set AgentConfig.tools",
    "response_format": "set AgentConfig.output_type",
    "stream": "any-agent decides per call whether to stream (ModelClient.stream)",
    "api_key": "set AgentConfig.api_key",
    "api_base": "set AgentConfig.api_base",
    "timeout": "set AgentConfig.request_timeout",
}

# How long a cancelled run waits for its tool calls to stop (abandoning their threads) before it
# returns its partial trace.
_CANCEL_GRACE_SECONDS = 2.0

_INPUT_ROLES = {"user", "assistant", "system", "developer", "tool"}


class Agent:
    """An agent built on one framework; run it as often and as concurrently as you like."""

    def __init__(self, config: AgentConfig, adapter: Adapter | _Deferred) -> None:
        """Prefer `Agent.create`, which finds the adapter and checks the config."""
        self.config = config
        self._adapter: Adapter | None = adapter if isinstance(adapter, Adapter) else None
        self._deferred = None if isinstance(adapter, Adapter) else adapter
        self._model = adapter.model
        self._mcp = None if isinstance(adapter, Adapter) else adapter.mcp
        self._build_lock = threading.Lock()

    @classmethod
    def create(cls, config: AgentConfig, *, framework: str | None = None) -> Agent:
        """Build the agent on ``framework`` (default: ``config.framework``).

        Raises `ConfigError` (naming the field) for an adapter that is not installed, an unknown
        provider, a missing API key or a tool that cannot be described to a model.
        """
        if framework is not None:
            config = config.model_copy(update={"framework": framework.strip().lower()})
        _check_model_args(config.model_args)
        adapter_class = load_adapter(config.framework)
        hooks = HookChain.of(config.hooks)
        model = ModelClient(
            config.model_id,
            api_base=config.api_base,
            api_key=config.api_key,
            model_args=config.model_args,
            timeout=config.request_timeout,
            retry=RetryPolicy(max_retries=config.max_retries),
            fallbacks=[
                ModelRoute(
                    fallback.model_id,
                    api_base=fallback.api_base,
                    api_key=fallback.api_key,
                    field=f"fallback_model_ids[{index}].model_id",
                    constrained=config.constrained_decoding,
                )
                for index, fallback in enumerate(config.fallback_model_ids)
            ],
            fallback_policy=config.fallback_policy,
            constrained=config.constrained_decoding,
            hooks=hooks,
        )
        tools = tool_specs(agents_as_tools(config))
        mcp = mcp_toolbox(config.tools, reserved=[CATCH_ALL, *(tool.name for tool in tools)])
        if mcp is not None:
            # MCP tools are known once their servers run: build the adapter on first use.
            return cls(config, _Deferred(model, mcp, lambda more: _build(adapter_class, config, model, tools + more)))
        return cls(config, _build(adapter_class, config, model, tools))

    @property
    def framework(self) -> str:
        """The framework this agent runs on."""
        return self.config.framework

    @property
    def native(self) -> Any:
        """The framework's own agent object, for framework-specific features (starts MCP servers)."""
        return self.adapter.native

    @property
    def adapter(self) -> Adapter:
        """The adapter that translates this agent for its framework (starts MCP servers)."""
        return self._adapter if self._adapter is not None else run_sync(self._ready())

    async def __aenter__(self) -> Agent:
        """Start the agent's MCP servers now rather than on first use; they stop on exit."""
        if self._mcp is not None:
            await self._mcp.start()
        await self._ready()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    def __enter__(self) -> Agent:
        """`async with`, for synchronous code."""
        return run_sync(self.__aenter__())

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    async def aclose(self) -> None:
        """Stop the agent's MCP servers and close its model connections.

        Waits until the servers' processes are gone; using the agent again restarts and reopens them.
        """
        if self._mcp is not None:
            await self._mcp.aclose()
        await self._model.aclose()
        if self._adapter is not None:
            for inner in agent_refs(self._adapter.tools):
                await inner.aclose()  # the agents its tools created from configs

    def close(self) -> None:
        """`aclose`, for synchronous code."""
        if self._mcp is not None:
            self._mcp.close()
        run_sync(self._model.aclose())
        if self._adapter is not None:
            for inner in agent_refs(self._adapter.tools):
                run_sync(inner.aclose())

    def serve_mcp(self, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
        """Serve this agent as a tool to MCP clients over streamable HTTP, until interrupted.

        Loopback only unless ``host`` says otherwise; ``options`` go to `any_agent.serve.mcp.serve_mcp`.
        """
        from any_agent.serve.mcp import serve_mcp

        serve_mcp(self, host=host, port=port, **options)

    async def _ready(self) -> Adapter:
        if self._adapter is not None:
            return self._adapter
        assert self._deferred is not None
        mcp_tools = await self._deferred.mcp.start()
        try:
            with self._build_lock:
                if self._adapter is None:
                    self._adapter = self._deferred.build(mcp_tools)
        except BaseException:
            await self._deferred.mcp.aclose()  # an agent that cannot be built must not keep servers running
            raise
        return self._adapter

    def run(self, prompt: RunInput, *, conversation_id: str | None = None) -> AgentTrace:
        """Run to completion and return the trace; see `run_async`.

        Ctrl-C cancels the run and raises `RunInterrupted` (a `KeyboardInterrupt`) with the partial trace.
        """
        try:
            return run_sync(self.run_async(prompt, conversation_id=conversation_id))
        except KeyboardInterrupt as interrupt:
            cancelled = interrupt.__cause__
            if isinstance(cancelled, RunCancelled) and not isinstance(interrupt, RunInterrupted):
                raise RunInterrupted(cancelled.trace) from None
            raise

    async def run_async(self, prompt: RunInput, *, conversation_id: str | None = None) -> AgentTrace:
        """Run the agent on a prompt or a conversation and return its trace.

        Raises `AgentRunError` (or its `MaxTurnsExceeded`) carrying the partial trace when the run
        fails; the trace of a successful run has the answer in `AgentTrace.final_output`. Cancelled
        (a timeout, Ctrl-C), it raises `RunCancelled`, a cancellation carrying the partial trace.
        """
        messages = _as_messages(prompt)
        recorder = SpanRecorder()
        conversation_id = conversation_id or uuid.uuid4().hex
        content = capture_content()
        span = get_tracer().start_span(
            f"{attr.OP_INVOKE_AGENT} {self.config.name}",
            kind=trace.SpanKind.INTERNAL,
            attributes=self._root_attributes(conversation_id, messages, content),
        )
        record(span, recorder)
        run = RunContext(
            config=self.config,
            framework=self.framework,
            conversation_id=conversation_id,
            input_messages=messages,
            span=span,
            records_content=content,
            hooks=self._model.hooks,
        )
        token = run.activate()
        output: Any = None
        failure: BaseException | None = None
        try:
            with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                if run.hooks is not None:
                    await run.hooks.run_started(run)
                raw = await (await self._ready()).run(run)
            if run.failure is None and not run.turn_limit_hit:
                output = coerce_output(raw, self.config.output_type)
        except asyncio.CancelledError as cancelled:
            await run.cancel_calls(grace=_CANCEL_GRACE_SECONDS)  # tool calls a framework's threads wait for
            span.set_status(trace.StatusCode.ERROR, "cancelled")
            span.set_attribute(attr.ERROR_TYPE, "cancelled")
            span.end()
            raise RunCancelled(AgentTrace.from_spans(recorder.spans, framework=self.framework)) from cancelled
        except Exception as error:
            failure = error
        finally:
            RunContext.deactivate(token)
        if run.hooks is not None and run.hooks.run_end:
            so_far = AgentTrace.from_spans(recorder.spans, final_output=output, framework=self.framework)
            with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                await run.hooks.run_ended(run, so_far)  # a judge agent's run nests in this one

        problem = self._problem(run, failure)
        secrets = self._model.secrets()
        if problem is not None:
            problem = redact_text(problem, secrets)
        if problem is None:
            span.set_status(trace.StatusCode.OK)
            if content:
                span.set_attribute(attr.OUTPUT_MESSAGES, json.dumps(_output_messages(output), default=str))
        else:
            span.set_status(trace.StatusCode.ERROR, problem)
            span.set_attribute(attr.ERROR_TYPE, _error_type(run))
        span.end()
        result = AgentTrace.from_spans(recorder.spans, final_output=output, framework=self.framework)
        if problem is None:
            return result
        cause = run.failure or failure
        run_error: AgentRunError
        if run.turn_limit_hit:
            run_error = MaxTurnsExceeded(self.config.max_turns, trace=result, cause=cause)
        elif isinstance(cause, AbortRun):
            run_error = cause.error(cause, trace=result)
        else:
            run_error = AgentRunError(problem, trace=result, cause=cause)
        run_error.__cause__ = cause
        # A framework may have wrapped a model error: its chain is masked again, whatever it holds.
        redact_chain(run_error, secrets)
        run_error.cause = run_error.__cause__
        raise run_error

    def stream_async(self, prompt: RunInput, *, conversation_id: str | None = None) -> AsyncGenerator[RunEvent]:
        """Run like `run_async`, yielding the run's events as they happen (see docs/streaming.md).

        The same events on every framework: ``text_delta``, ``model_response``, ``tool_call`` and
        ``tool_result``, then ``run_finished`` with the trace, or ``run_failed`` after which the
        `AgentRunError` is raised. Leaving the loop early cancels the run (at once with
        ``contextlib.aclosing``, else when the generator is collected).
        """
        return stream_run(self, prompt, conversation_id=conversation_id)

    def stream(self, prompt: RunInput, *, conversation_id: str | None = None) -> Iterator[RunEvent]:
        """`stream_async` for synchronous code."""
        return stream_run_sync(self, prompt, conversation_id=conversation_id)

    def _root_attributes(self, conversation_id: str, messages: list[Message], content: bool) -> dict[str, Any]:
        """The ``invoke_agent`` span's attributes known at the start, given when it starts (one mapping)."""
        attributes: dict[str, Any] = {
            attr.OPERATION_NAME: attr.OP_INVOKE_AGENT,
            attr.AGENT_NAME: self.config.name,
            attr.PROVIDER_NAME: self._model.provider,
            attr.REQUEST_MODEL: self._model.model,
            attr.FRAMEWORK: self.framework,
        }
        if self.config.description:
            attributes[attr.AGENT_DESCRIPTION] = self.config.description
        attributes[attr.CONVERSATION_ID] = conversation_id
        if content:
            attributes[attr.INPUT_MESSAGES] = json.dumps(input_messages(messages), default=str)
        return attributes

    def _problem(self, run: RunContext, failure: BaseException | None) -> str | None:
        """Why the run failed, or None. The boundaries are asked first: a framework may swallow errors."""
        if isinstance(failure, TurnLimitReached):
            run.turn_limit_hit = True
        if run.turn_limit_hit:
            return f"max_turns={self.config.max_turns} exceeded"
        if isinstance(run.failure, AbortRun):
            return run.failure.describe()
        if run.failure is not None:
            return str(run.failure)
        if failure is None:
            return None
        if isinstance(failure, OutputError | AnyAgentError) or self._adapter is None:
            return str(failure)  # ours, and already actionable (an MCP server that failed to start...)
        return self._adapter.describe_error(failure)


@dataclass(frozen=True)
class _Deferred:
    """How to build an adapter that waits for its MCP servers' tools."""

    model: ModelClient
    mcp: McpToolbox
    build: Callable[[list[ToolSpec]], Adapter]


def _build(adapter_class: type[Adapter], config: AgentConfig, model: ModelClient, tools: list[ToolSpec]) -> Adapter:
    try:
        return adapter_class(config, model, tools)
    except ConfigError:
        raise
    except Exception as error:
        raise ConfigError(
            f"the {config.framework} adapter could not build the agent: {type(error).__name__}: {error}",
            field="agent_args" if config.agent_args else None,
        ) from error


def _check_model_args(model_args: Mapping[str, Any]) -> None:
    owned = [key for key in model_args if key in _OWNED_MODEL_ARGS]
    if owned:
        reasons = "; ".join(f"{key!r}: {_OWNED_MODEL_ARGS[key]}" for key in owned)
        raise ConfigError(
            f"any-agent sets {', '.join(map(repr, owned))} itself; remove it ({reasons})", field="model_args"
        )


def _as_messages(prompt: RunInput) -> list[Message]:
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    accepted = "run() takes a prompt (a str) or a list of OpenAI-format chat messages (dicts with 'role' and 'content')"
    if not isinstance(prompt, Sequence) or isinstance(prompt, bytes | bytearray):
        raise TypeError(f"{accepted}, not {type(prompt).__name__}")
    for index, message in enumerate(prompt):
        if not isinstance(message, Mapping):
            raise TypeError(f"{accepted}; message {index} is a {type(message).__name__}")
    messages = [dict(message) for message in prompt if isinstance(message, Mapping)]
    if not messages:
        raise ConfigError("run() needs a prompt or at least one message")
    for index, message in enumerate(messages):
        if message.get("role") not in _INPUT_ROLES:
            raise ConfigError(
                f"message {index} has role {message.get('role')!r}; use one of {sorted(_INPUT_ROLES)} "
                "in the OpenAI chat format"
            )
    return cast(list[Message], messages)


def _error_type(run: RunContext) -> str:
    """The ``error.type`` of a failed run's ``invoke_agent`` span."""
    if run.turn_limit_hit:
        return "max_turns_exceeded"
    return "run_aborted" if isinstance(run.failure, AbortRun) else "run_failed"


def _output_messages(output: Any) -> list[dict[str, Any]]:
    text = output.model_dump_json() if hasattr(output, "model_dump_json") else str(output)
    return [{"role": "assistant", "parts": [{"type": "text", "content": text}], "finish_reason": "stop"}]
