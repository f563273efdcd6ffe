"""The whole any-agent contract, run on this adapter: every scenario compared with `tiny`."""

from any_agent.testing.conformance import ConformanceSuite


class TestMyFrameworkConformance(ConformanceSuite):
    framework = "myframework"
