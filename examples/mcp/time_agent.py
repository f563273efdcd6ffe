"""An MCP server's tools on every installed framework, offline.

The scripted model (a real HTTP server on 127.0.0.1) calls ``convert_time`` of ``mcp-server-time``,
a third-party MCP server started over stdio. Each framework gets the same tool, the same result and
the same trace. Pass framework names to run only those: ``python examples/mcp/time_agent.py tiny``.
"""

from __future__ import annotations

import sys

from any_agent import Agent, AgentConfig, AgentRunError, available_frameworks
from any_agent.testing import ScriptedLLM, plan
from any_agent.tools.mcp import McpStdio

TIME_SERVER = McpStdio(
    name="time",
    command=sys.executable,  # the server is a Python package installed next to any-agent
    args=["-m", "mcp_server_time", "--local-timezone", "Etc/UTC"],
)
CALL = ("convert_time", {"source_timezone": "Europe/Paris", "time": "12:00", "target_timezone": "Asia/Tokyo"})


def main(frameworks: list[str]) -> int:
    failures = 0
    with ScriptedLLM(plan([[CALL]], final="Noon in Paris is 20:00 in Tokyo.")) as llm:
        for framework in frameworks:
            config = AgentConfig(
                name="time_assistant",
                framework=framework,
                instructions="Use the time tools for time-zone questions.",
                model_id=llm.model_id,
                api_base=llm.base_url,
                tools=[TIME_SERVER],
            )
            try:
                with Agent.create(config) as agent:  # the server runs for this block only
                    trace = agent.run("When it is noon in Paris, what time is it in Tokyo?")
            except AgentRunError as error:
                failures += 1
                print(f"{framework:>10}  FAILED: {error}")
                continue
            tool = trace.operation_spans("execute_tool")[0]
            print(f"{framework:>10}  {trace.final_output!r}  ({tool.name}, {tool.attributes['gen_ai.tool.type']})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or available_frameworks()))
