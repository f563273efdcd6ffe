"""One agent served over MCP, called by an agent on another framework, offline.

``echoer`` runs on ``tiny`` and is served as an MCP tool on a free loopback port; the caller runs on
the framework given (default: langgraph if installed, else tiny) and reaches it with ``McpHttp``,
as it would any MCP server. To serve an agent until Ctrl-C instead: ``agent.serve_mcp()`` or
``any-agent serve AGENT_FILE --mcp``.
"""

from __future__ import annotations

import sys

from any_agent import Agent, AgentConfig, available_frameworks
from any_agent.serve.mcp import McpAgentServer
from any_agent.testing import ScriptedLLM, echo, plan
from any_agent.tools.mcp import McpHttp


def main(framework: str) -> int:
    with ScriptedLLM(echo()) as inner_llm, ScriptedLLM(plan([[("echoer", {"prompt": "ping"})]])) as llm:
        echoer = Agent.create(
            AgentConfig(
                name="echoer",
                description="Repeats what you tell it.",
                model_id=inner_llm.model_id,
                api_base=inner_llm.base_url,
            )
        )
        with McpAgentServer(echoer, port=0) as served:
            print(f"serving {echoer.config.name!r} at {served.url}")
            caller = AgentConfig(
                framework=framework, model_id=llm.model_id, api_base=llm.base_url, tools=[McpHttp(url=served.url)]
            )
            with Agent.create(caller) as agent:
                trace = agent.run("Ask the echoer to say ping.")
    print(f"{framework} caller got: {trace.final_output!r}")
    return 0 if trace.final_output == "Done: You said: ping" else 1


if __name__ == "__main__":
    default = "langgraph" if "langgraph" in available_frameworks() else "tiny"
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else default))
