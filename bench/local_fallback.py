"""Wall time of the sovereign fallback per framework: ``python bench/local_fallback.py [FRAMEWORK ...]``.

The agent of issue 14: the primary ``openai:gpt-4.1-mini`` at a closed 127.0.0.1 port, the fallback
``local:gemma3-270m``, one tool, ``max_turns=4``. The server is started first and timed apart, so
each row is one run as a user sees it once the model is loaded (the refused primary, its retries,
the local turns and the tool). Prints a Markdown table and the machine's load average, since the
figures mean little on a busy machine. Needs the ``local`` extra.
"""

from __future__ import annotations

import os
import socket
import sys
import time

from any_agent import Agent, AgentConfig, AgentRunError
from any_agent.model.local import local_server
from any_agent.registry import available_frameworks
from any_agent.tracing import attributes as attr


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 21°C"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(frameworks: list[str]) -> None:
    began = time.perf_counter()
    local_server("gemma3-270m").ensure_started()
    print(f"server start (model load): {time.perf_counter() - began:.1f} s")
    print("| framework | wall time | model calls | tool arguments | answer |\n|---|---|---|---|---|")
    for framework in frameworks:
        config = AgentConfig(
            framework=framework,
            instructions="Use the tools to answer.",
            model_id="openai:gpt-4.1-mini",
            api_base=f"http://127.0.0.1:{_closed_port()}/v1",
            fallback_model_ids=["local:gemma3-270m"],
            tools=[get_weather],
            max_turns=4,
        )
        agent = Agent.create(config)
        began = time.perf_counter()
        try:
            trace = agent.run("What is the weather in Paris?")
        except AgentRunError as error:
            trace = error.trace
        took = time.perf_counter() - began
        tools = [str(span.attributes.get(attr.TOOL_CALL_ARGUMENTS)) for span in trace.operation_spans("execute_tool")]
        answer = str(trace.final_output).replace("\n", " ").replace("|", "/")
        print(f"| {framework} | {took:.1f} s | {len(trace.operation_spans('chat'))} | {'; '.join(tools)} | {answer} |")
    print(f"load average (1, 5, 15 min) after the runs: {os.getloadavg()}; {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tiny", *[name for name in available_frameworks() if name != "tiny"]])
