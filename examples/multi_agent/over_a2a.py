"""The same writer and researcher in two processes, composed over the Agent2Agent protocol.

This script starts ``any-agent serve researcher.yaml --a2a`` as a second process (offline on the
researcher's scripted plan), then runs the writer here with the researcher as an `A2AAgentTool`,
found from its agent card. Needs the 'a2a' extra.

    uv run python examples/multi_agent/over_a2a.py
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

from any_agent import Agent, AgentConfig
from any_agent.testing import ChatRequest, Reply, ScriptedLLM, ScriptedToolCall, answer
from any_agent.testing.types import message_text
from any_agent.tools.a2a import A2AAgentTool

HERE = Path(__file__).resolve().parent
START_SECONDS = 60.0


def writer_script(request: ChatRequest) -> Reply:
    """The writer asks the researcher (named after its card), then writes from the answer."""
    if request.turn == 0:
        return Reply(tool_calls=[ScriptedToolCall("researcher", {"input": "sea otters"})])
    facts = message_text(request.tool_results[0].get("content"))
    return answer(request, f"A paragraph for you: {facts}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_researcher(port: int) -> tuple[subprocess.Popen[str], str]:
    """Start the researcher's A2A server in its own process; return it and its URL once it serves."""
    command = [str(Path(sys.executable).parent / "any-agent"), "serve", str(HERE / "researcher.yaml")]
    command += ["--a2a", "--port", str(port), "--offline"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=os.environ)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr or ()], daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=START_SECONDS)
        except queue.Empty:
            process.kill()
            raise RuntimeError("the researcher's A2A server did not start in time") from None
        if line.startswith("Serving"):
            return process, f"http://127.0.0.1:{port}/"


def main(framework: str = "crewai") -> int:
    server, url = serve_researcher(free_port())
    try:
        with ScriptedLLM(writer_script) as llm:
            offline = {"model_id": llm.model_id, "api_base": llm.base_url, "api_key": "offline"}
            writer = AgentConfig.from_file(HERE / "writer_a2a.yaml", framework=framework, **offline)
            writer.tools = [A2AAgentTool(url=url)]  # the file names the default port; this one is free
            with Agent.create(writer) as agent:
                trace = agent.run("Write a paragraph about sea otters.")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(trace.final_output)
    return 0 if str(trace.final_output).startswith("A paragraph for you: Sea otters hold hands") else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
