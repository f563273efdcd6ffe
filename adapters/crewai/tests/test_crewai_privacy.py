"""By default a CrewAI run sends nothing off the machine, writes no file and asks nothing on the terminal.

An audit hook (installed once; audit hooks cannot be removed) records, while a run is being
watched, every socket connection and name lookup and every file opened for writing. The last test
shows the default is what keeps CrewAI quiet: without it, CrewAI's first run on a terminal asks to
upload its trace.
"""

from __future__ import annotations

import io
import ipaddress
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crewai.events.listeners.tracing.utils import should_enable_tracing
from crewai.telemetry import Telemetry

from any_agent import Agent
from any_agent.testing import ScriptedLLM, plan
from any_agent_crewai.telemetry import LOCAL_DEFAULTS, keep_crewai_local

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_watching = threading.Event()
_lock = threading.Lock()
_seen: dict[str, list[str]] = {"remote": [], "loopback": [], "writes": []}


def _is_loopback(host: Any) -> bool:
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watching.is_set():
        return
    if event == "socket.connect" and isinstance(args[1], tuple):
        kind = "loopback" if _is_loopback(args[1][0]) else "remote"
        entry = f"connect {args[1][0]}"
    elif event == "socket.getaddrinfo":
        kind = "loopback" if _is_loopback(args[0]) else "remote"
        entry = f"getaddrinfo {args[0]}"
    elif event == "open" and isinstance(args[2], int) and args[2] & _WRITE_FLAGS and isinstance(args[0], str | Path):
        if str(args[0]) == os.devnull:
            return
        kind, entry = "writes", str(args[0])
    else:
        return
    with _lock:
        _seen[kind].append(entry)


sys.addaudithook(_audit)


class _Terminal(io.StringIO):
    """A stdin that looks interactive and counts the questions asked on it (answering "n")."""

    def __init__(self) -> None:
        super().__init__()
        self.questions = 0

    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        self.questions += 1
        return "n\n"


@pytest.fixture
def first_run_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Terminal]:
    """A fresh home (CrewAI's first run), a project folder and an interactive terminal, all watched."""
    home = tmp_path / "home"
    for name, folder in {"HOME": "", "XDG_DATA_HOME": ".local/share", "XDG_CONFIG_HOME": ".config"}.items():
        monkeypatch.setenv(name, str(home / folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdin", terminal)
    with _lock:
        for entries in _seen.values():
            entries.clear()
    _watching.set()
    try:
        yield terminal
    finally:
        _watching.clear()


def _run(crewai_config: Any) -> str:
    with ScriptedLLM(plan([[("get_weather", {"city": "Oslo"})]], final="Sunny.")) as llm:
        return str(Agent.create(crewai_config(llm, tools=[get_weather])).run("Weather in Oslo?").final_output)


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny"


def test_crewai_telemetry_and_tracing_are_off_but_opentelemetry_is_not() -> None:
    for name, value in LOCAL_DEFAULTS.items():
        assert os.environ[name] == value
    assert Telemetry._is_telemetry_disabled()
    assert not should_enable_tracing()
    assert "OTEL_SDK_DISABLED" not in os.environ


def test_a_users_own_choice_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWAI_DISABLE_TELEMETRY", "false")
    monkeypatch.setenv("CREWAI_TRACING_ENABLED", "true")
    monkeypatch.delenv("CREWAI_DISABLE_VERSION_CHECK")
    keep_crewai_local()
    assert os.environ["CREWAI_DISABLE_TELEMETRY"] == "false"
    assert os.environ["CREWAI_TRACING_ENABLED"] == "true"
    assert os.environ["CREWAI_DISABLE_VERSION_CHECK"] == "true"


def test_a_run_stays_on_the_machine_writes_nothing_and_asks_nothing(
    crewai_config: Any, first_run_on_a_terminal: _Terminal, tmp_path: Path
) -> None:
    assert _run(crewai_config) == "Sunny."
    assert _seen["remote"] == []
    assert _seen["loopback"]  # the hook did see the run's own calls to the scripted server
    assert _seen["writes"] == []
    assert first_run_on_a_terminal.questions == 0
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_without_the_default_crewai_asks_to_upload_its_first_trace(
    crewai_config: Any, first_run_on_a_terminal: _Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREWAI_TRACING_ENABLED")
    assert _run(crewai_config) == "Sunny."
    assert first_run_on_a_terminal.questions == 1  # "Share this execution trace with CrewAI?" (answered "n")
    assert _seen["remote"] == []  # declined, so nothing was sent
    assert any(path.name == ".crewai_user.json" for path in tmp_path.rglob("*"))


_FRESH_PROCESS = """
import ipaddress, sys

def audit(event, args):
    if event in ("socket.connect", "socket.getaddrinfo"):
        host = args[1][0] if event == "socket.connect" and isinstance(args[1], tuple) else args[0]
        try:
            local = host in ("localhost", "") or ipaddress.ip_address(str(host)).is_loopback
        except ValueError:
            local = False
        if not local:
            print("REMOTE", event, host, flush=True)

sys.addaudithook(audit)
from any_agent import Agent, AgentConfig
from any_agent.testing import ScriptedLLM, plan

with ScriptedLLM(plan(["Hello."])) as llm:
    config = AgentConfig(framework="crewai", model_id=llm.model_id, api_base=llm.base_url)
    print("ANSWER", Agent.create(config).run("Hi").final_output, flush=True)
"""


@pytest.mark.timeout(900)  # importing CrewAI in a fresh interpreter is slow
def test_a_fresh_process_from_import_to_answer_stays_on_the_machine(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CREWAI_", "XDG_"))}
    env["HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["ANSWER Hello."]  # no REMOTE line, and no CrewAI console output
    # What importing CrewAI itself creates (documented): a local key for CrewAI AMP login tokens.
    files = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())
    assert files == ["home/.local/share/crewai/credentials/secret.key"]
