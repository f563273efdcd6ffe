"""A writer on CrewAI that uses a researcher on LangGraph as a tool, offline, from Python.

Both agents come from their agent files (``writer.yaml`` names ``researcher.yaml`` in its tools);
here they run on one scripted model server that answers each with its own script, so the example
runs without a key. The whole run is one trace: the researcher's run nests under the writer's tool
call, and the totals are split per agent.

    uv run python examples/multi_agent/compose.py [OUTER_FRAMEWORK INNER_FRAMEWORK]
"""

from __future__ import annotations

import sys
from pathlib import Path

from any_agent import Agent, AgentConfig
from any_agent.testing import ChatRequest, Reply, ScriptedLLM, ScriptedToolCall, answer
from any_agent.testing.types import message_text

HERE = Path(__file__).resolve().parent


def scripted(request: ChatRequest) -> Reply:
    """The writer asks the researcher, then writes; the researcher looks the topic up, then reports."""
    if "researcher" in request.tool_names:  # the writer
        if request.turn == 0:
            return Reply(tool_calls=[ScriptedToolCall("researcher", {"input": "sea otters"})])
        facts = message_text(request.tool_results[0].get("content"))
        return answer(request, f"A paragraph for you: {facts}")
    if request.turn == 0:  # the researcher
        return Reply(tool_calls=[ScriptedToolCall("look_up", {"topic": "sea otters"})])
    return answer(request, message_text(request.tool_results[0].get("content")))


def main(outer: str = "crewai", inner: str = "langgraph") -> int:
    with ScriptedLLM(scripted) as llm:
        offline = {"model_id": llm.model_id, "api_base": llm.base_url, "api_key": "offline"}
        researcher = AgentConfig.from_file(HERE / "researcher.yaml", framework=inner, **offline)
        writer = AgentConfig.from_file(HERE / "writer.yaml", framework=outer, **offline)
        writer.tools = [researcher]  # the file's researcher, pointed at the scripted server too
        with Agent.create(writer) as agent:
            trace = agent.run("Write a paragraph about sea otters.")
    print(trace.final_output)
    for run in trace.agents:
        print(f"{'  ' * run.depth}{run.name} on {run.framework}: {run.model_calls} model calls, {run.usage}")
    print(f"total: {trace.usage}, one trace id: {len({span.trace_id for span in trace.spans}) == 1}")
    return 0 if str(trace.final_output).startswith("A paragraph for you: Sea otters hold hands") else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
