"""A browser watching an agent work: the run's events as server-sent events, from any framework.

A plain ASGI app (no web framework needed): ``GET /`` serves a page whose ``EventSource`` shows
the answer's tokens and each tool call live; ``GET /events?prompt=...&framework=...`` streams the
run's events as ``text/event-stream``, one JSON object per event, named by its ``kind``.

Run it offline on the scripted model::

    uv run python examples/streaming/app.py        # then open http://127.0.0.1:8765/

A browser that goes away (closes the tab) cancels the run. An ASGI server does not say so by failing
``send`` (uvicorn drops what is sent after a disconnect), so the app waits for ``http.disconnect``
next to the stream and cancels the task reading it: the run stops, its model connection is closed,
and no tool starts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import aclosing
from typing import Any
from urllib.parse import parse_qs

from any_agent import Agent, AgentConfig, AgentRunError, event_data
from any_agent.testing import ScriptedLLM, plan

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def get_weather(city: str) -> str:
    """Today's weather in a city.

    Args:
        city: The city's name.
    """
    return f"{city}: sunny, 21°C"


PAGE = b"""<!doctype html><meta charset="utf-8"><title>any-agent streaming</title>
<form><input name="prompt" value="Weather in Paris?"> <select name="framework">
<option>tiny</option><option>crewai</option><option>langgraph</option><option>ag2</option><option>openai</option>
</select> <button>Run</button></form><pre id="tools"></pre><p id="answer"></p>
<script>
document.querySelector("form").onsubmit = (e) => {
  e.preventDefault();
  const q = new URLSearchParams(new FormData(e.target));
  answer.textContent = ""; tools.textContent = "";
  const source = new EventSource("/events?" + q);
  source.addEventListener("text_delta", (m) => { answer.textContent += JSON.parse(m.data).text; });
  const show = (line) => { tools.textContent += line + "\\n"; };
  source.addEventListener("tool_call", (m) => { const d = JSON.parse(m.data); show(`-> ${d.name}(${d.arguments})`); });
  source.addEventListener("tool_result", (m) => { show(`<- ${JSON.parse(m.data).result}`); });
  for (const end of ["run_finished", "run_failed"]) source.addEventListener(end, () => source.close());
};
</script>
"""


class StreamingApp:
    """Streams agent runs on one model endpoint; one agent per framework, built on first use."""

    def __init__(self, model_id: str, api_base: str | None = None) -> None:
        self.model_id = model_id
        self.api_base = api_base
        self.agents: dict[str, Agent] = {}

    def agent(self, framework: str) -> Agent:
        if framework not in self.agents:
            config = AgentConfig(
                name="weather", framework=framework, model_id=self.model_id, api_base=self.api_base, tools=[get_weather]
            )
            self.agents[framework] = Agent.create(config)
        return self.agents[framework]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/":
            await _respond(send, 200, "text/html; charset=utf-8", PAGE)
        elif scope["path"] == "/events":
            query = parse_qs(scope["query_string"].decode())
            prompt = query.get("prompt", ["Weather in Paris?"])[0]
            await self.stream(receive, send, prompt, query.get("framework", ["tiny"])[0])
        else:
            await _respond(send, 404, "text/plain", b"not found")

    async def stream(self, receive: Receive, send: Send, prompt: str, framework: str) -> None:
        try:
            agent = self.agent(framework)
        except Exception as error:  # an unknown or missing framework: say which
            await _respond(send, 400, "text/plain; charset=utf-8", str(error).encode())
            return
        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        events = asyncio.create_task(self.send_events(send, agent, prompt))
        gone = asyncio.create_task(_disconnected(receive))
        await asyncio.wait([events, gone], return_when=asyncio.FIRST_COMPLETED)
        for task in (events, gone):
            task.cancel()  # the browser went away: cancelling the reader cancels the run
        await asyncio.gather(events, gone, return_exceptions=True)

    async def send_events(self, send: Send, agent: Agent, prompt: str) -> None:
        try:
            async with aclosing(agent.stream_async(prompt)) as events:
                async for event in events:
                    message = f"event: {event.kind}\ndata: {json.dumps(event_data(event), default=str)}\n\n"
                    await send({"type": "http.response.body", "body": message.encode(), "more_body": True})
        except AgentRunError:
            pass  # already sent as its run_failed event
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _respond(send: Send, status: int, content_type: str, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type.encode())]})
    await send({"type": "http.response.body", "body": body})


if __name__ == "__main__":
    import uvicorn

    script = plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris today, 21°C: a good day for a walk.")
    with ScriptedLLM(script) as llm:
        uvicorn.run(StreamingApp(llm.model_id, llm.base_url), host="127.0.0.1", port=8765)
