"""A program that runs an agent whose synchronous tool blocks for a minute (for the Ctrl-C test).

Usage: python -m any_agent.testing.conformance.interrupted_run FRAMEWORK TRACE_PATH. It prints
"tool started" when the tool starts; Ctrl-C then must end it promptly, with the partial trace saved.
A program of its own because Ctrl-C is a signal to a process: the suite sends it from outside.
"""

from __future__ import annotations

import sys
import time

from any_agent import Agent, AgentConfig, RunInterrupted
from any_agent.testing import ScriptedLLM, plan


def slow_lookup(city: str) -> str:
    """Look a city up, slowly.

    Args:
        city: The city.
    """
    print("tool started", flush=True)
    time.sleep(60)
    return f"{city}: found"


def main(framework: str, trace_path: str) -> int:
    """Run the agent; on Ctrl-C save the partial trace to ``trace_path`` and return 130."""
    with ScriptedLLM(plan([[("slow_lookup", {"city": "Paris"})]], final="Found.")) as llm:
        config = AgentConfig(
            name="interrupted", framework=framework, model_id=llm.model_id, api_base=llm.base_url, tools=[slow_lookup]
        )
        agent = Agent.create(config)
        try:
            agent.run("Find Paris.")
        except RunInterrupted as interrupted:
            interrupted.trace.save(trace_path)
            return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
