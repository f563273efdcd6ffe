"""The HTTP side of the scripted model: routes, bodies, streaming, and faults that live in the bytes.

Only the standard library's ``http.server`` is used, so the scripted model costs no dependency.
Keep-alive works (every plain answer has a ``Content-Length``; streams use chunked encoding), since
real clients pool connections and a server that breaks them would test the wrong thing.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from any_agent.testing.faults import Fault, error_body
from any_agent.testing.streams import StreamEnd, StreamTracker
from any_agent.testing.types import ChatRequest, Reply
from any_agent.testing.wire import completion, completion_chunks, truncated_chunks

__all__ = ["ChatApp", "ScriptedHTTPServer"]

_MALFORMED = b'this is not JSON {"choices": ['
_WATCH_SECONDS = 0.05
"""How often a slow stream's wait looks at the server stopping (the client's close wakes it at once)."""


class ChatApp(Protocol):
    """What the HTTP server serves: a model name and an answer to each chat request."""

    @property
    def model(self) -> str:
        """The model name the server reports."""
        ...

    def chat(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[ChatRequest, Reply | Fault]:
        """Answer one parsed request body; raise `ValueError` when it is not a chat request."""
        ...

    @property
    def stopping(self) -> threading.Event:
        """Set when the server stops: every wait ends."""
        ...

    def track_stream(self, request: ChatRequest, chunks: int) -> StreamTracker:
        """Start recording a streamed answer of ``chunks`` chunks."""
        ...


class ScriptedHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that can also drop its open connections when it stops.

    Pooled keep-alive connections otherwise outlive the server and would still be answered by
    their handler threads after `ScriptedLLM.stop`.
    """

    daemon_threads = True
    request_queue_size = socket.SOMAXCONN  # the default of 5 resets connections when many runs start at once

    def __init__(self, address: tuple[str, int], app: ChatApp) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:  # noqa: D102
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:  # noqa: D102
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open connection, waking the threads that wait on them."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


def _route(raw_path: str) -> str:
    # Some clients strip the ``/v1`` of the base URL, so both forms are served.
    path = urlsplit(raw_path).path.rstrip("/") or "/"
    if path == "/v1" or path.startswith("/v1/"):
        path = path[3:] or "/"
    return path


class _RequestHandler(BaseHTTPRequestHandler):
    """One connection: answers its requests until the client or the server closes it."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    """TCP_NODELAY: a response goes out in two sends (headers, body), and with Nagle's algorithm the
    body waits for the client's delayed ACK of the headers, ~40 ms on every request."""
    server_version = "any-agent-scripted-llm"
    sys_version = ""
    server: ScriptedHTTPServer

    def handle(self) -> None:
        """Serve the connection; a client that drops it between requests is not an error."""
        try:
            super().handle()
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: a test's output is for the test."""

    def do_GET(self) -> None:
        """Serve the model list (``GET /v1/models``) and one model (``GET /v1/models/{id}``)."""
        self._guarded(self._get)

    def do_POST(self) -> None:
        """Serve ``POST /v1/chat/completions``."""
        self._guarded(self._post)

    def _guarded(self, serve: Callable[[], None]) -> None:
        try:
            serve()
        except OSError:
            # The client went away (its timeout fired) or the server is stopping: nobody to answer.
            self.close_connection = True

    def _get(self) -> None:
        path = _route(self.path)
        model = self.server.app.model
        if path == "/models":
            self._send_json(200, {"object": "list", "data": [_model_card(model)]})
        elif path == f"/models/{model}":
            self._send_json(200, _model_card(model))
        elif path.startswith("/models/"):
            self._send_error(404, f"The model {path[8:]!r} does not exist", "invalid_request_error", "model_not_found")
        else:
            self._not_found()

    def _post(self) -> None:
        raw = self._read_body()
        if raw is None:
            return
        if _route(self.path) != "/chat/completions":
            self._not_found()
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError as error:
            self._send_error(400, f"the request body is not JSON: {error}", "invalid_request_error", None)
            return
        if not isinstance(body, dict):
            self._send_error(400, "the request body must be a JSON object", "invalid_request_error", None)
            return
        try:
            request, outcome = self.server.app.chat(body, dict(self.headers.items()))
        except ValueError as error:
            self._send_error(400, str(error), "invalid_request_error", None)
            return
        if isinstance(outcome, Reply):
            self._send_reply(request, outcome)
        else:
            self._send_fault(request, outcome)

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 400 to a body that cannot be framed."""
        try:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return self._read_chunked()
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True  # where the next request starts is unknown
            self._send_error(400, "the request body is badly framed", "invalid_request_error", None)
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():  # trailers, then the blank line
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _send_bytes(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send_bytes(status, json.dumps(obj).encode(), "application/json", headers)

    def _send_error(self, status: int, message: str, error_type: str, code: str | None) -> None:
        self._send_json(status, error_body(message, error_type, code))

    def _not_found(self) -> None:
        self._send_error(
            404, f"no route {self.command} {urlsplit(self.path).path}", "invalid_request_error", "not_found"
        )

    def _send_reply(self, request: ChatRequest, reply: Reply, pace: Fault | None = None) -> None:
        model = self.server.app.model
        # Everything is serialized before the first byte goes out, so a reply that cannot be
        # (arguments that are not JSON-serializable) still gets a clean 500 instead of a cut stream.
        try:
            if request.stream:
                events = [json.dumps(event).encode() for event in completion_chunks(reply, request, model)]
                body = b""
            else:
                events, body = [], json.dumps(completion(reply, request, model)).encode()
        except (TypeError, ValueError) as error:
            message = f"the scripted reply cannot be sent: {type(error).__name__}: {error}"
            self._send_error(500, message, "server_error", "handler_error")
            return
        if request.stream:
            self._send_stream(request, events, pace=pace)
        else:
            self._send_bytes(200, body, "application/json")

    def _send_fault(self, request: ChatRequest, fault: Fault) -> None:
        model = self.server.app.model
        if fault.kind == "slow_stream" and fault.reply is not None:
            if request.stream:
                self._send_reply(request, fault.reply, pace=fault)
            elif not self.server.app.stopping.wait(fault.seconds):
                self._send_reply(request, fault.reply)
        elif fault.kind == "malformed":
            if request.stream:
                self._send_stream(request, [b"not JSON {"])
            else:
                self._send_bytes(200, _MALFORMED, "application/json")
        elif fault.kind == "truncated":
            if request.stream:
                chunks = [json.dumps(event).encode() for event in truncated_chunks(model)]
                self._send_stream(request, chunks, truncate=True)
            else:
                full = json.dumps(completion(Reply(content="This answer is cut short"), request, model)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(full)))
                self.end_headers()
                self.wfile.write(full[: len(full) // 2])
                self.close_connection = True
        elif fault.kind == "echo_authorization":
            echoed = fault.message.replace("{authorization}", self.headers.get("Authorization", ""))
            self._send_json(fault.status_code, error_body(echoed, fault.error_type, fault.code), fault.headers())
        else:
            self._send_json(fault.status_code, fault.error_body(), fault.headers())

    def _send_stream(
        self, request: ChatRequest, events: list[bytes], *, truncate: bool = False, pace: Fault | None = None
    ) -> None:
        """Send server-sent events (``data: <event>``), then ``data: [DONE]`` (unless truncating).

        HTTP/1.1 clients get chunked encoding, so the connection stays reusable and a truncated
        stream is detectably incomplete; HTTP/1.0 clients get the stream until the server closes.
        With ``pace`` (a `Fault.slow_stream`), the chunks after its burst wait its seconds each, and
        a client that closes the connection meanwhile ends the stream. The app records how it ended.
        """
        tracker = self.server.app.track_stream(request, len(events))
        try:
            ended = self._write_stream(events, tracker, truncate, pace)
        except OSError:
            tracker.end("server_stopped" if self.server.app.stopping.is_set() else "client_closed")
            raise
        tracker.end(ended)
        if ended != "completed":
            self.close_connection = True

    def _write_stream(
        self, events: list[bytes], tracker: StreamTracker, truncate: bool, pace: Fault | None
    ) -> StreamEnd:
        chunked = self.request_version != "HTTP/1.0"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
        self.end_headers()

        def write(data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)

        for index, event in enumerate(events):
            if pace is not None and index >= pace.burst:
                interrupted = self._wait_watching(pace.seconds)
                if interrupted is not None:
                    return interrupted
            write(b"data: " + event + b"\n\n")
            tracker.sent()
        if truncate:
            return "cut"  # no [DONE], no final chunk, and the connection closes: the client sees a cut stream
        write(b"data: [DONE]\n\n")
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        return "completed"

    def _wait_watching(self, seconds: float) -> StreamEnd | None:
        """Wait ``seconds`` before the next chunk, or less if the client closes or the server stops."""
        stopping = self.server.app.stopping
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0 and not stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], min(remaining, _WATCH_SECONDS))
            if readable and self._peer_closed():
                return "server_stopped" if stopping.is_set() else "client_closed"
            if readable:  # the client sent something in the middle of a stream: wait the time out
                stopping.wait(remaining)
        return "server_stopped" if stopping.is_set() else None

    def _peer_closed(self) -> bool:
        try:
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except OSError:
            return True


def _model_card(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": 0, "owned_by": "any-agent"}
