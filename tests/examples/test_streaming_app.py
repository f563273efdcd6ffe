"""examples/streaming: a real uvicorn server sends the run's events as server-sent events, per framework."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from any_agent.testing import Fault, Reply, ScriptedLLM, ScriptedToolCall, plan
from tests.frameworks import FRAMEWORKS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "streaming"))

from app import StreamingApp

FINAL = "Sunny in Paris today, 21°C: a good day for a walk."


@contextmanager
def serving(llm: ScriptedLLM) -> Iterator[str]:
    """The example app on uvicorn, on ``llm``; yields its URL."""
    config = uvicorn.Config(StreamingApp(llm.model_id, llm.base_url), host="127.0.0.1", port=0, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    while thread.is_alive() and not server.started:
        started.wait(0.05)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final=FINAL)) as llm, serving(llm) as url:
        yield url


def _events(base_url: str, framework: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    params = {"prompt": "Weather in Paris?", "framework": framework}
    with httpx.stream("GET", f"{base_url}/events", params=params, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
                assert data["kind"] == name
                events.append((name, data))
    return events


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_browser_gets_the_same_events_from_each_framework(base_url: str, framework: str) -> None:
    events = _events(base_url, framework)
    kinds = [name for name, _ in events]
    assert kinds[:3] == ["model_response", "tool_call", "tool_result"]
    assert kinds[-2:] == ["model_response", "run_finished"]
    assert events[1][1]["name"] == "get_weather" and json.loads(events[1][1]["arguments"]) == {"city": "Paris"}
    assert events[2][1]["result"] == "Paris: sunny, 21°C"
    assert "".join(data["text"] for name, data in events if name == "text_delta") == FINAL
    assert events[-1][1]["final_output"] == FINAL
    assert kinds == [name for name, _ in _events(base_url, "tiny")]


def test_the_page_listens_for_the_events(base_url: str) -> None:
    page = httpx.get(base_url + "/", timeout=30).text
    assert "EventSource" in page and "text_delta" in page


def test_an_unknown_framework_is_a_clear_400(base_url: str) -> None:
    response = httpx.get(f"{base_url}/events", params={"framework": "nope"}, timeout=30)
    assert response.status_code == 400 and "nope" in response.text


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_browser_that_goes_away_cancels_the_run(framework: str) -> None:
    """The page closes after the first piece of text: the model's connection is closed, no tool starts."""
    answer = Reply(content="Let me look that up for you, one moment.", tool_calls=[ScriptedToolCall("get_weather")])
    with ScriptedLLM(lambda request: answer) as llm, serving(llm) as url:
        llm.inject(Fault.slow_stream(30))  # after the first piece of text, a chunk every 30 s
        params = {"prompt": "Weather in Paris?", "framework": framework}
        with httpx.stream("GET", f"{url}/events", params=params, timeout=60) as response:
            for line in response.iter_lines():
                if line == "event: text_delta":
                    break  # leaving the block closes the connection, as a closed tab does
        [stream] = llm.wait_for_streams(timeout=10)
        assert stream.closed_by_client and stream.sent < stream.chunks
        assert len(llm.requests) == 1  # the tool the answer went on to ask for never ran
