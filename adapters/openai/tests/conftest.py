"""Guards for the adapter's tests: no OpenAI key, the SDK's tracing as found (the network guard is global)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from agents.tracing import get_trace_provider


@pytest.fixture(autouse=True)
def no_openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter must work without an OpenAI key: nothing here is OpenAI."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_AGENTS_DISABLE_TRACING"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def restore_sdk_trace_processors() -> Iterator[None]:
    """Tests that replace the SDK's trace processors get the originals back afterwards."""
    provider: Any = get_trace_provider()
    original = list(provider._multi_processor._processors)
    yield
    provider.set_processors(original)
