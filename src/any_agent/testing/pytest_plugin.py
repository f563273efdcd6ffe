"""A pytest plugin that fails any test during which something tried to leave the machine.

Enable it with ``pytest_plugins = ["any_agent.testing.pytest_plugin"]`` in a root ``conftest.py``.
Every test then runs under `network_guard`: connections and name lookups outside loopback are
refused, and a test during which any were tried fails, naming them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from any_agent.testing.network import network_guard

__all__ = ["network_attempts", "no_network"]

network_guard.install()


@pytest.fixture(autouse=True)
def no_network() -> Iterator[None]:
    """Fail the test if anything tried to connect outside loopback while it ran."""
    network_guard.reset()
    yield
    seen = network_guard.reset()
    assert not seen, f"non-loopback network access during the test: {seen}"


@pytest.fixture
def network_attempts() -> list[str]:
    """The live list of refused attempts in this test; a test that provokes one on purpose clears it."""
    return network_guard.attempts
