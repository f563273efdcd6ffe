"""`ScriptedLLM`: a real OpenAI-compatible HTTP server whose answers a Python function decides.

A real server, not a mock of a client library: every framework, SDK and HTTP stack talks to it
through its own, unpatched code path, so offline runs, CI and reproduced failures exercise exactly
what runs against a provider.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import threading
from collections import deque
from types import TracebackType
from typing import Any, Self

from any_agent.testing.faults import Fault
from any_agent.testing.httpd import ScriptedHTTPServer
from any_agent.testing.policies import Handler
from any_agent.testing.streams import StreamRecord, StreamTracker, wait_until_ended
from any_agent.testing.types import ChatRequest, Reply

__all__ = ["ScriptedLLM"]


def _check_host(host: str, allow_remote: bool) -> None:
    if allow_remote or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            f"the scripted LLM binds to loopback addresses only, not {host!r}: anything on the network "
            "could drive it. Pass allow_remote=True (--allow-remote) to serve other machines on purpose."
        )


class ScriptedLLM:
    """An OpenAI-compatible chat-completions server on ``127.0.0.1`` that answers with ``handler``.

    Use it as a context manager (sync or async), or call `start` and `stop`. Point any client at
    `base_url` (with any API key) and any-agent at `model_id`. The handler runs in the server's
    threads, concurrently: keep it stateless, deriving state from the request's messages.
    """

    def __init__(
        self,
        handler: Handler,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        model: str = "scripted",
        allow_remote: bool = False,
    ) -> None:
        """Prepare the server; nothing listens until `start`.

        Args:
            handler: Answers each chat request with a `Reply` or a `Fault`.
            host: The address to bind; loopback only unless ``allow_remote``.
            port: The port; 0 picks a free one (read it back from `port` or `base_url`).
            model: The model name the server reports; `model_id` is ``openai:<model>``.
            allow_remote: Allow a non-loopback ``host``.
        """
        _check_host(host, allow_remote)
        self.handler = handler
        self.host = host
        self._requested_port = port
        self._model = model
        self._lock = threading.Lock()
        self._requests: list[ChatRequest] = []
        self._faults: deque[list[Any]] = deque()  # [fault, how many requests it still hits]
        self._stopping = threading.Event()
        self._streams: list[StreamTracker] = []
        self._streams_changed = threading.Condition()
        self._server: ScriptedHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._server is not None else "stopped"
        return f"ScriptedLLM({where}, model={self._model!r})"

    # -- what tests read -------------------------------------------------------------------

    @property
    def model(self) -> str:
        """The model name the server reports in its answers and in ``/v1/models``."""
        return self._model

    @property
    def model_id(self) -> str:
        """The any-llm ``provider:model`` id to give any-agent (``openai:scripted``)."""
        return f"openai:{self._model}"

    @property
    def port(self) -> int:
        """The port the server listens on (raises when it is not running)."""
        return int(self._running().server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI base URL to point clients at: ``http://127.0.0.1:PORT/v1``."""
        server = self._running()
        host = str(server.server_address[0])
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{server.server_address[1]}/v1"

    @property
    def requests(self) -> list[ChatRequest]:
        """Every chat request received so far, parsed, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def streams(self) -> list[StreamRecord]:
        """Every streamed answer so far, in the order they started: how far each got and how it ended."""
        with self._streams_changed:
            return [tracker.record() for tracker in self._streams]

    def wait_for_streams(self, timeout: float = 10.0) -> list[StreamRecord]:
        """Wait until every stream started so far has ended, then return `streams`.

        For a test that stopped reading (broke out of `Agent.stream`, cancelled a task) and wants
        to see what became of the connection; raises `TimeoutError` after ``timeout`` seconds.
        """
        with self._streams_changed:
            trackers = list(self._streams)
        return wait_until_ended(trackers, self._streams_changed, timeout)

    @property
    def pending_faults(self) -> int:
        """How many upcoming chat requests an injected fault will still hit."""
        with self._lock:
            return sum(remaining for _, remaining in self._faults)

    # -- what tests do ---------------------------------------------------------------------

    def inject(self, fault: Fault, times: int = 1) -> None:
        """Make the next ``times`` chat requests fail with ``fault`` instead of reaching the handler.

        Injections queue up: ``inject(a, times=2); inject(b)`` hits the next three requests with
        ``a``, ``a``, ``b``. A ``slow`` fault delays the request and then lets the handler answer.
        """
        if times < 1:
            raise ValueError("times is the number of requests to hit, 1 or more")
        if not isinstance(fault, Fault):
            raise TypeError(f"inject takes a Fault (Fault.rate_limit(), ...), not {fault!r}")
        with self._lock:
            self._faults.append([fault, times])

    def reset(self) -> None:
        """Forget the recorded requests and drop the faults not yet used."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()
        with self._streams_changed:
            self._streams.clear()

    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns self, ready for requests."""
        if self._server is not None:
            raise RuntimeError(f"{self!r} is already running")
        self._stopping.clear()
        server = ScriptedHTTPServer((self.host, self._requested_port), self)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="scripted-llm", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and drop open connections (idempotent); recorded requests stay readable."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # ends the waits of slow faults
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)  # shutdown waits for the serving thread: not on the loop

    # -- what the HTTP server calls --------------------------------------------------------

    @property
    def stopping(self) -> threading.Event:
        """Set while the server stops, so that every wait of a fault ends."""
        return self._stopping

    def track_stream(self, request: ChatRequest, chunks: int) -> StreamTracker:
        """Record a streamed answer that starts now (see `streams`)."""
        tracker = StreamTracker(request, chunks, self._streams_changed)
        with self._streams_changed:
            self._streams.append(tracker)
        return tracker

    def chat(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[ChatRequest, Reply | Fault]:
        """Record one chat request, then answer it: an injected fault, else the handler.

        Called from the server's threads. The request is recorded before anything can fail, so a
        test sees every attempt a client made, retries included.
        """
        request = ChatRequest.from_body(body, headers)
        with self._lock:
            self._requests.append(request)
            fault = self._next_fault()
        if fault is not None and fault.kind == "slow":
            self._stopping.wait(fault.seconds)
            if fault.reply is not None:
                return request, fault.reply
            fault = None
        if fault is not None and fault.kind == "slow_stream" and fault.reply is None:
            answer = self._ask_handler(request)  # paced, unless the handler answers with a fault of its own
            return request, dataclasses.replace(fault, reply=answer) if isinstance(answer, Reply) else answer
        if fault is not None:
            return request, fault
        return request, self._ask_handler(request)

    def _next_fault(self) -> Fault | None:
        if not self._faults:
            return None
        entry = self._faults[0]
        entry[1] -= 1
        if entry[1] <= 0:
            self._faults.popleft()
        fault: Fault = entry[0]
        return fault

    def _ask_handler(self, request: ChatRequest) -> Reply | Fault:
        try:
            outcome: Any = self.handler(request)
        except Exception as error:
            return _handler_failure(f"the scripted handler raised {type(error).__name__}: {error}")
        if isinstance(outcome, Fault) and outcome.kind == "slow":
            self._stopping.wait(outcome.seconds)
            return outcome.reply if outcome.reply is not None else Reply(content="")
        if isinstance(outcome, Fault) and outcome.kind == "slow_stream" and outcome.reply is None:
            return dataclasses.replace(outcome, reply=Reply(content=""))
        if isinstance(outcome, Reply | Fault):
            return outcome
        return _handler_failure(f"the scripted handler returned {outcome!r}, not a Reply or a Fault")

    def _running(self) -> ScriptedHTTPServer:
        if self._server is None:
            raise RuntimeError("the scripted LLM is not running: call start() or use it in a with block")
        return self._server


def _handler_failure(message: str) -> Fault:
    return Fault(kind="error", status_code=500, message=message, error_type="server_error", code="handler_error")
