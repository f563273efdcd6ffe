"""LangSmith as a fresh install has it (the network guard comes from the root conftest)."""

from __future__ import annotations

import pytest

LANGSMITH_ENV = (
    "LANGSMITH_TRACING",
    "LANGSMITH_TRACING_V2",
    "LANGCHAIN_TRACING_V2",
    "LANGCHAIN_TRACING",
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
    "LANGSMITH_OTEL_ENABLED",
)


@pytest.fixture(autouse=True)
def langsmith_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs start from LangSmith's defaults: no tracing variables, no key."""
    for name in LANGSMITH_ENV:
        monkeypatch.delenv(name, raising=False)
