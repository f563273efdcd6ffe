"""The conformance suite on `tiny` itself (each adapter runs it from its own tests/test_conformance.py)."""

from any_agent.testing.conformance import ConformanceSuite


class TestTinyConformance(ConformanceSuite):
    framework = "tiny"
