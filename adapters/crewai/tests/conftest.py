"""Shared fixtures of the CrewAI adapter tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import any_agent_crewai  # noqa: F401  (first, as any-agent's registry loads it before CrewAI is imported)
from any_agent import AgentConfig
from any_agent.testing import ScriptedLLM

ConfigFactory = Callable[..., AgentConfig]


@pytest.fixture
def crewai_config() -> ConfigFactory:
    """Build a crewai config pointed at a scripted server; keyword fields override the defaults."""

    def build(llm: ScriptedLLM, **fields: Any) -> AgentConfig:
        values: dict[str, Any] = {
            "name": "forecaster",
            "framework": "crewai",
            "model_id": llm.model_id,
            "api_base": llm.base_url,
            "instructions": "Answer briefly.",
            **fields,
        }
        return AgentConfig(**values)

    return build
