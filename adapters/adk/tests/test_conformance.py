"""The shipped conformance suite, run on this adapter exactly as a third-party adapter runs it."""

from any_agent.testing.conformance import ConformanceSuite


class TestADKConformance(ConformanceSuite):
    framework = "adk"
