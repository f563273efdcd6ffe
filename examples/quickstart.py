"""Quickstart: one agent, defined once, run on every installed framework, offline.

Runs on the scripted OpenAI-compatible model that ships with any-agent (a real HTTP server on
127.0.0.1), so it needs no API key and sends nothing off this machine. Pass a framework name to run
only that one, e.g. ``python examples/quickstart.py langgraph``.
"""

from __future__ import annotations

import sys

from any_agent import AdapterNotFoundError, Agent, AgentConfig, AgentRunError
from any_agent.environments import OWN_ENVIRONMENT, environment_python, run_command, sync_command
from any_agent.registry import installed_frameworks
from any_agent.testing import ScriptedLLM, plan

CITY_WEATHER = {"paris": ("sunny", 21), "berlin": ("cloudy", 15), "tokyo": ("rainy", 18)}


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    sky, celsius = CITY_WEATHER.get(city.lower(), ("unknown", 0))
    return f"{city}: {sky}, {celsius}°C"


def main(frameworks: list[str]) -> int:
    # The scripted model calls get_weather twice in one turn, then answers from the results.
    script = plan([[("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Berlin"})]])
    failures = 0
    # Each framework is imported when its first agent is built: seconds each, the first time.
    print(f"Running on {', '.join(frameworks)}, offline; each framework loads as its turn comes.", flush=True)
    width = max(map(len, frameworks), default=0)
    with ScriptedLLM(script) as llm:
        for framework in frameworks:
            config = AgentConfig(
                name="weather",
                framework=framework,
                instructions="Answer weather questions with the get_weather tool.",
                model_id=llm.model_id,
                api_base=llm.base_url,
                tools=[get_weather],
            )
            try:
                trace = Agent.create(config).run("Is it warmer in Paris or in Berlin?")
            except (AdapterNotFoundError, AgentRunError) as error:
                failures += 1
                print(f"{framework:>{width}}  FAILED: {error}")
                continue
            steps = " > ".join(step["name"].split(" ")[0] for step in trace.normalized()[1:])
            print(
                f"{framework:>{width}}  {trace.final_output!r}\n"
                f"{'':>{width}}  {steps} | {trace.usage.input_tokens} in / {trace.usage.output_tokens} out tokens"
                f" | {trace.duration.total_seconds():.2f}s",
                flush=True,
            )
    return 1 if failures else 0


def elsewhere(frameworks: list[str]) -> None:
    """Frameworks that live in an environment of their own (Google ADK): how to run them there."""
    for framework in sorted(OWN_ENVIRONMENT.keys() - set(frameworks)):
        how = (
            f"{run_command(framework)} python examples/quickstart.py {framework}"
            if environment_python(framework)
            else f"install it first: {sync_command(framework)}"
        )
        print(f"{framework} runs in an environment of its own: {how}")


if __name__ == "__main__":
    chosen = sys.argv[1:] or installed_frameworks()
    status = main(chosen)
    if not sys.argv[1:]:
        elsewhere(chosen)
    sys.exit(status)
