"""The conformance kit: the scenarios, the runner and the suite every adapter passes.

See `any_agent.testing.conformance.suite.ConformanceSuite` for how an adapter package runs it.
"""

from any_agent.testing.conformance.runner import Outcome, expected_steps, reference, run_scenario
from any_agent.testing.conformance.scenarios import FAILING, SCENARIOS, Scenario
from any_agent.testing.conformance.suite import ConformanceSuite

__all__ = [
    "FAILING",
    "SCENARIOS",
    "ConformanceSuite",
    "Outcome",
    "Scenario",
    "expected_steps",
    "reference",
    "run_scenario",
]
