"""Our traces in a real viewer: a run exported over OTLP to Arize Phoenix, started here on 127.0.0.1.

Phoenix lives in its own environment (``bash tests/phoenix/make_env.sh``; CI creates it), because it
is a whole server with its own pins. It reads our ``gen_ai.*`` attributes itself (no OpenInference
attributes needed): the tests check that the spans arrive as an agent → LLM / tool tree with token
counts, that the UI draws that tree, and that neither Phoenix nor its UI reach beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from any_agent.registry import available_frameworks
from tests.cli.cdp import Browser, chromium_path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PHOENIX_ENV = Path(os.environ.get("ANY_AGENT_PHOENIX_ENV", ROOT / ".venvs" / "phoenix"))
PHOENIX_PYTHON = PHOENIX_ENV / "bin" / "python"
NETWORK_PY = ROOT / "src" / "any_agent" / "testing" / "network.py"
STARTUP_SECONDS = 300  # a cold start on a busy 2-core machine takes about a minute

pytestmark = pytest.mark.timeout(STARTUP_SECONDS + 300)


@dataclass
class Phoenix:
    url: str
    attempts_file: Path
    log: Path

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as response:
            return json.load(response)

    def spans(self, project: str) -> list[dict[str, Any]]:
        return list(self.get(f"/v1/projects/{project}/spans?limit=1000")["data"])

    def project_id(self, name: str) -> str:
        return next(project["id"] for project in self.get("/v1/projects")["data"] if project["name"] == name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phoenix]:
    if not PHOENIX_PYTHON.exists():
        reason = f"needs Phoenix's own environment at {PHOENIX_ENV}: bash tests/phoenix/make_env.sh"
        if os.environ.get("CI"):
            pytest.fail(reason)  # .ci/run creates it: a missing one in CI is a broken CI, not a skip
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("phoenix")
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "PHOENIX_WORKING_DIR": str(folder / "data"),
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(port),
        "PHOENIX_GRPC_PORT": str(_free_port()),
        "PHOENIX_TELEMETRY_ENABLED": "false",  # no usage pixels
        "PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false",  # no web fonts, no version check from the UI
    }
    server = Phoenix(f"http://127.0.0.1:{port}", folder / "attempts.txt", folder / "phoenix.log")
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [str(PHOENIX_PYTHON), str(HERE / "serve_phoenix.py"), str(NETWORK_PY), str(server.attempts_file)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"Phoenix exited with {process.returncode}:\n{server.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"Phoenix did not start in {STARTUP_SECONDS} s:\n{server.log.read_text()[-3000:]}")
            time.sleep(1)
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _export(phoenix: Phoenix, project: str, framework: str) -> dict[str, Any]:
    """Run an agent in a fresh process that exports to Phoenix's ``project``; its summary of the run."""
    done = subprocess.run(
        [sys.executable, str(HERE / "export_run.py"), f"{phoenix.url}/v1/traces", project, framework],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    run: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert run["blocked"] == []  # the exporting process reached nothing beyond 127.0.0.1
    return run


def _stored(phoenix: Phoenix, project: str, count: int) -> list[dict[str, Any]]:
    """Phoenix's spans of ``project`` once all ``count`` have been stored (ingestion is asynchronous)."""
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError, KeyError):
            spans = phoenix.spans(project)
            if len(spans) >= count:
                return spans
        if time.monotonic() > deadline:
            pytest.fail(f"Phoenix stored fewer than {count} spans for {project} within 60 s")
        time.sleep(0.5)


FRAMEWORKS = ["tiny", *[name for name in ("langgraph", "crewai") if name in available_frameworks()][:1]]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_run_arrives_as_an_agent_with_llm_and_tool_children_and_token_counts(
    phoenix: Phoenix, framework: str
) -> None:
    run = _export(phoenix, f"any-agent-{framework}", framework)
    spans = _stored(phoenix, f"any-agent-{framework}", len(run["spans"]))
    assert Counter(span["name"] for span in spans) == Counter(run["spans"])
    assert {span["context"]["trace_id"] for span in spans} == {run["trace_id"]}
    (root,) = [span for span in spans if span["parent_id"] is None]
    assert root["name"] == "invoke_agent trip_helper" and root["span_kind"] == "AGENT"
    chats = [span for span in spans if span["name"].startswith("chat ")]
    tools = [span for span in spans if span["name"].startswith("execute_tool ")]
    assert len(chats) == 2 and len(tools) == 1
    assert {span["span_kind"] for span in chats} == {"LLM"} and tools[0]["span_kind"] == "TOOL"
    assert all(span["parent_id"] == root["context"]["span_id"] for span in chats + tools)  # one level: a tree
    for chat in chats:  # Phoenix's own token fields, read from our gen_ai.usage.* attributes
        attributes = chat["attributes"]
        assert attributes["llm.token_count.prompt"] == attributes["gen_ai.usage.input_tokens"] == 10
        assert attributes["llm.token_count.completion"] == attributes["gen_ai.usage.output_tokens"] == 5
    assert sum(chat["attributes"]["llm.token_count.prompt"] for chat in chats) == run["input_tokens"]
    assert sum(chat["attributes"]["llm.token_count.completion"] for chat in chats) == run["output_tokens"]
    assert tools[0]["attributes"]["tool.name"] == "get_weather"


@pytest.mark.skipif(chromium_path() is None, reason="needs Chromium: apt-get install -y chromium")
def test_the_phoenix_ui_draws_the_tree_and_fetches_nothing_from_outside(phoenix: Phoenix, tmp_path: Path) -> None:
    project = "any-agent-ui"
    run = _export(phoenix, project, "tiny")
    _stored(phoenix, project, len(run["spans"]))
    browser_path = chromium_path()
    assert browser_path is not None
    with Browser(browser_path, timeout=60) as browser:
        browser.set_viewport(1400, 900)
        browser.open(f"{phoenix.url}/projects/{phoenix.project_id(project)}/traces/{run['trace_id']}")
        deadline, text = time.monotonic() + 120, ""
        while time.monotonic() < deadline:
            text = browser.evaluate("document.body.innerText")
            if "execute_tool get_weather" in text and "chat gpt-4o-mini" in text:
                break
            time.sleep(1)
        time.sleep(1)  # let the last layout settle before the picture
        shot = tmp_path / "phoenix-trace.png"
        browser.screenshot(shot)
        outside = [url for url in browser.requested_urls() if not url.startswith((phoenix.url + "/", "data:", "blob:"))]
    assert "invoke_agent trip_helper" in text and "execute_tool get_weather" in text
    # each model call in the tree with its total tokens (10 in + 5 out)
    assert len(re.findall(r"chat gpt-4o-mini\s+[\d.]+\s*m?s\s+·?\s*15\b", text)) == 2, text[:2000]
    assert outside == []
    assert shot.stat().st_size > 10_000
    if keep := os.environ.get("ANY_AGENT_SCREENSHOTS"):  # docs/images/phoenix-trace.png is made this way
        shutil.copy(shot, Path(keep) / shot.name)


def test_phoenix_itself_reached_nothing_beyond_loopback(phoenix: Phoenix) -> None:
    """Read last, after the runs and the UI: every outside connection Phoenix tried, refused by the audit."""
    time.sleep(0.5)  # the audit's reporter writes every 0.1 s
    assert phoenix.attempts_file.read_text(encoding="utf-8").splitlines() == []
    assert "Uvicorn running" in phoenix.log.read_text(encoding="utf-8", errors="replace")
