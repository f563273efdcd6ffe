"""The scripted model of the multi-agent tests, one per test (a test may change its handler)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from any_agent.testing import ScriptedLLM
from tests.multi_agent.scripts import writer_and_researcher


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(writer_and_researcher) as server:
        yield server
