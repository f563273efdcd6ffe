"""The benchmark's scenarios, shared by every variant (and by both virtual environments: stdlib only)."""

from __future__ import annotations

from typing import Any

INSTRUCTIONS = "You are a weather assistant. Use the get_weather tool to answer."
MODEL = "scripted"
API_KEY = "not-needed"

CITIES = ["Paris", "London", "Rome", "Oslo", "Lima"]

SCENARIOS: dict[str, dict[str, Any]] = {
    # One prompt, two model calls, one tool call.
    "short": {
        "prompt": "What is the weather in Paris?",
        "steps": [[("get_weather", {"city": "Paris"})]],
        "final": "It is sunny in Paris.",
        "model_calls": 2,
        "tool_calls": 1,
    },
    # One prompt, six model calls, five tool calls (one per turn).
    "long": {
        "prompt": "What is the weather in Paris, London, Rome, Oslo and Lima? Check them one by one.",
        "steps": [[("get_weather", {"city": city})] for city in CITIES],
        "final": "It is sunny in all five cities.",
        "model_calls": 6,
        "tool_calls": 5,
    },
}


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's name.
    """
    return f"Sunny in {city}"


def scenario_for(prompt: str) -> str:
    """Which scenario a prompt belongs to (the server answers by it)."""
    for name, scenario in SCENARIOS.items():
        if scenario["prompt"] in prompt:  # CrewAI wraps the prompt in its own task text
            return name
    raise KeyError(prompt)
