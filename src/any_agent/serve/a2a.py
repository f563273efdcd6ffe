"""An agent served over the Agent2Agent (A2A) protocol, with the official ``a2a-sdk``.

Any A2A client (another any-agent agent through `any_agent.tools.a2a.A2AAgentTool`, or an agent on
any other stack) can discover the agent from its card (name, description, one skill) and send it
messages over JSON-RPC. Messages with the same context id continue one conversation: the server
keeps each context's history and runs the agent on it. A streaming client receives the answer's
text as it is generated, as chunks of the answer artifact. A request that carries a W3C trace
context (``traceparent``) puts the run's spans in the caller's trace.

Like the MCP server it binds to loopback unless told otherwise, refuses requests whose ``Host``
is not loopback there (DNS rebinding), and has no authentication of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate
from pydantic import BaseModel

from any_agent.errors import AgentRunError, ConfigError
from any_agent.serve.mcp import McpAgentServer, _is_loopback, _listen, _warn_if_exposed

if TYPE_CHECKING:
    import uvicorn
    from a2a.server.agent_execution import RequestContext
    from a2a.server.events import EventQueue
    from a2a.types import AgentCard
    from starlette.applications import Starlette

    from any_agent.agent import Agent
    from any_agent.model.types import Message

__all__ = ["A2AAgentServer", "a2a_app", "agent_card", "serve_a2a", "serve_a2a_async"]

MAX_CONTEXTS = 1000
"""How many conversations (context ids) a server remembers; the least recently used is forgotten."""


def _sdk() -> None:
    try:
        import a2a.server  # noqa: F401
        import starlette  # noqa: F401
    except ImportError as error:
        raise ConfigError(
            f"serving over A2A needs the a2a-sdk package ({error}): install any-agent with its 'a2a' extra "
            "(docs/multi-agent.md)"
        ) from None


def agent_card(agent: Agent, url: str) -> AgentCard:
    """The agent's A2A card: its name and description, one skill, text in and out, streaming."""
    from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill
    from a2a.utils.constants import PROTOCOL_VERSION_CURRENT

    config = agent.config
    description = config.description or f"The {config.name!r} agent, run by any-agent on {agent.framework}."
    interface = AgentInterface(protocol_binding="JSONRPC", url=url, protocol_version=PROTOCOL_VERSION_CURRENT)
    return AgentCard(
        name=config.name,
        description=description,
        version=version("any-agent"),
        default_input_modes=["text/plain"],
        default_output_modes=["application/json" if config.output_type is not None else "text/plain"],
        capabilities=AgentCapabilities(streaming=True),
        supported_interfaces=[interface],
        skills=[AgentSkill(id=config.name, name=config.name, description=description, tags=[agent.framework])],
    )


class _Conversations:
    """Each context id's history (user and assistant turns), the least recently used forgotten first."""

    def __init__(self, limit: int = MAX_CONTEXTS) -> None:
        self._histories: OrderedDict[str, list[Message]] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def history(self, context_id: str) -> list[Message]:
        with self._lock:
            if context_id in self._histories:
                self._histories.move_to_end(context_id)
            return list(self._histories.get(context_id, []))

    def save(self, context_id: str, messages: list[Message]) -> None:
        with self._lock:
            self._histories[context_id] = messages
            self._histories.move_to_end(context_id)
            while len(self._histories) > self._limit:
                self._histories.popitem(last=False)


def _executor(agent: Agent) -> Any:
    from a2a.helpers import get_message_text, new_task_from_user_message, new_text_message, new_text_part
    from a2a.server.agent_execution import AgentExecutor
    from a2a.server.tasks import TaskUpdater

    from any_agent.streaming.events import RunFinished, TextDeltaEvent

    conversations = _Conversations()

    class AnyAgentExecutor(AgentExecutor):
        """Runs the agent on the context's conversation, streaming its text as the answer artifact."""

        async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
            assert context.message is not None  # the SDK only executes requests that carry a message
            task = context.current_task
            if task is None:
                task = new_task_from_user_message(context.message)
                await event_queue.enqueue_event(task)
            updater = TaskUpdater(event_queue=event_queue, task_id=task.id, context_id=task.context_id)
            await updater.start_work()
            messages: list[Message] = [
                *conversations.history(task.context_id),
                {"role": "user", "content": get_message_text(context.message)},
            ]
            artifact = uuid.uuid4().hex
            streamed: list[str] = []
            output: Any = None
            # A caller that sent its trace context (an any-agent A2AAgentTool does) gets this run's
            # spans in its trace: the `invoke_agent` span's parent is the caller's `execute_tool`.
            caller = otel_context.attach(propagate.extract(context.call_context.state.get("headers", {})))
            try:
                async with contextlib.aclosing(agent.stream_async(messages, conversation_id=task.context_id)) as run:
                    async for event in run:
                        if isinstance(event, TextDeltaEvent) and event.text:
                            await updater.add_artifact(
                                [new_text_part(event.text)],
                                artifact_id=artifact,
                                append=bool(streamed),
                                last_chunk=False,
                            )
                            streamed.append(event.text)
                        elif isinstance(event, RunFinished):
                            output = event.trace.final_output
            except AgentRunError as error:
                await updater.failed(new_text_message(f"the agent's run failed: {error}"))
                return
            finally:
                otel_context.detach(caller)
            text = output.model_dump_json() if isinstance(output, BaseModel) else "" if output is None else str(output)
            # The streamed text may hold words said before a tool call: the last chunk is the answer.
            same = "".join(streamed) == text
            await updater.add_artifact(
                [new_text_part("" if same else text)],
                artifact_id=artifact,
                name="answer",
                append=same and bool(streamed),
                last_chunk=True,
            )
            conversations.save(task.context_id, [*messages, {"role": "assistant", "content": text}])
            await updater.complete()

        async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
            # The SDK has already cancelled `execute` (and so the run); say the task ended that way.
            if context.task_id and context.context_id:
                await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()

    return AnyAgentExecutor()


def a2a_app(agent: Agent, *, url: str, host: str = "127.0.0.1") -> Starlette:
    """An ASGI app serving ``agent`` over A2A JSON-RPC at ``/``, its card at the well-known path.

    ``url`` is where clients reach it (it goes in the card). For a loopback ``host`` the app
    refuses requests whose ``Host`` is not loopback, so a web page cannot reach it by DNS rebinding.
    """
    _sdk()
    from a2a.server.request_handlers import DefaultRequestHandler
    from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
    from a2a.server.tasks import InMemoryTaskStore
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    card = agent_card(agent, url)
    handler = DefaultRequestHandler(agent_executor=_executor(agent), task_store=InMemoryTaskStore(), agent_card=card)
    routes = [*create_agent_card_routes(card), *create_jsonrpc_routes(handler, "/")]
    middleware = (
        [Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "[::1]", "::1"])]
        if _is_loopback(host)
        else []
    )
    return Starlette(routes=routes, middleware=middleware)


def _url(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _uvicorn(agent: Agent, host: str, port: int) -> uvicorn.Server:
    import uvicorn

    app = a2a_app(agent, url=_url(host, port), host=host)
    # log_config=None: leave the application's logging alone (uvicorn would install its own).
    return uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="warning", lifespan="off"))


async def serve_a2a_async(
    agent: Agent, *, host: str = "127.0.0.1", port: int = 8000, on_ready: Callable[[str], None] | None = None
) -> None:
    """Serve ``agent`` over A2A at ``http://host:port/`` until cancelled (or Ctrl-C on the main thread).

    ``on_ready`` is called with the URL once the port is bound and the agent's MCP servers run.
    """
    _sdk()
    listener = _listen(host, port)
    port = listener.getsockname()[1]
    server = _uvicorn(agent, host, port)
    _warn_if_exposed(host)
    try:
        async with agent:
            if on_ready is not None:
                on_ready(_url(host, port))
            await server.serve(sockets=[listener])
    finally:
        listener.close()


def serve_a2a(
    agent: Agent, *, host: str = "127.0.0.1", port: int = 8000, on_ready: Callable[[str], None] | None = None
) -> None:
    """`serve_a2a_async` from synchronous code: blocks until Ctrl-C."""
    asyncio.run(serve_a2a_async(agent, host=host, port=port, on_ready=on_ready))


class A2AAgentServer(McpAgentServer):
    """An agent served over A2A from a background thread, for tests and for embedding in an app.

    Example::

        with A2AAgentServer(agent, port=0) as served:  # port 0: any free port
            tool = A2AAgentTool(url=served.url)
    """

    def __init__(self, agent: Agent, *, host: str = "127.0.0.1", port: int = 0) -> None:
        """Nothing is served until `start` (or ``with``)."""
        _sdk()
        super().__init__(agent, host=host, port=port, path="/")

    def _build_server(self) -> uvicorn.Server:
        return _uvicorn(self.agent, self.host, self._port)
