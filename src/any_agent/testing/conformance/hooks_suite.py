"""The hook part of the conformance suite (`ConformanceSuite` inherits it).

Every hook scenario runs on the adapter and on `tiny`: same outcome (answer, or error class and
message), same normalized trace, same hook events on the same spans. Then the egress policy with
real routes (a cloud primary with a cloud fallback, and a local route), and hooks in a streamed run.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from any_agent import Agent, AgentConfig, AgentTrace, RunFinished
from any_agent.config import FallbackModel
from any_agent.hooks import KeepLocal
from any_agent.testing import Fault, ScriptedLLM, plan
from any_agent.testing.conformance.hook_scenarios import HOOK_SCENARIOS, Event, HookScenario
from any_agent.testing.conformance.runner import expected_steps, reference, run_scenario, stream_scenario
from any_agent.testing.conformance.tools import get_weather
from any_agent.tracing import attributes as attr

__all__ = ["HookConformance", "hook_events"]

_HOOK_EVENTS = {attr.HOOK_EVENT, attr.TOOL_DENIED_EVENT, attr.ABORT_EVENT, attr.REROUTE_EVENT}


def hook_events(trace: AgentTrace) -> tuple[Event, ...]:
    """The hook events of a trace, comparable across runs: (span, event, hook, changes or reason)."""
    found: list[Event] = []
    for span in trace.spans:
        for event in span.events:
            if event.name in _HOOK_EVENTS:
                what = event.attributes.get("changes") or event.attributes.get("reason")
                what = "+".join(what) if isinstance(what, list | tuple) else str(what)
                found.append((span.name, event.name, str(event.attributes.get("hook")), what))
    return tuple(found)


class HookConformance:
    """Hooks, guardrails, tool approval and the egress policy behave the same on the adapter as on `tiny`."""

    framework: ClassVar[str]

    @pytest.mark.parametrize("scenario", HOOK_SCENARIOS, ids=lambda s: s.name)
    def test_hook_scenario_matches_reference(self, scenario: HookScenario) -> None:
        """The outcome, the normalized trace and the hook events are those the scenario names, as on `tiny`."""
        framework = self.framework
        outcome = run_scenario(scenario, framework)
        expected = reference(scenario)
        if isinstance(scenario.expected_output, type):
            assert outcome.error is not None and type(outcome.error) is scenario.expected_output, (
                f"{framework}: {outcome.error!r}"
            )
            assert outcome.error.trace is outcome.trace and not outcome.trace.succeeded
            assert str(outcome.error) == str(expected.error)
            root = outcome.trace.root
            assert root is not None and root.attributes[attr.ERROR_TYPE] == "run_aborted"
        else:
            assert outcome.error is None, f"{framework} failed {scenario.name}: {outcome.error}"
            assert outcome.output == scenario.expected_output
        steps = outcome.trace.normalized()
        assert tuple(step["name"] for step in steps) == scenario.expected_steps
        assert steps == expected_steps(framework, scenario, expected.trace)
        assert hook_events(outcome.trace) == scenario.expected_events

    @pytest.mark.parametrize("name", ["hook_replaces_answer", "hooks_run_in_order", "hook_denies_tool"])
    def test_hooks_in_a_streamed_run(self, name: str) -> None:
        """Streamed, a hooked run shows the same events as on `tiny`, and the deltas are the hooked answer."""
        from any_agent.testing.conformance.suite import _stream_turns

        scenario = next(s for s in HOOK_SCENARIOS if s.name == name)
        outcome = stream_scenario(scenario, self.framework)
        assert outcome.error is None, f"{self.framework} failed to stream {name}: {outcome.error}"
        finished = outcome.events[-1]
        assert isinstance(finished, RunFinished) and finished.trace.final_output == scenario.expected_output
        turns = _stream_turns(outcome.events)
        assert turns == _stream_turns(stream_scenario(scenario, "tiny").events)
        assert turns[-1][0] == scenario.expected_output

    def test_egress_reroutes_sensitive_calls_past_the_fallback_chain(self) -> None:
        """A call holding an e-mail address goes to ``route_to`` only; other calls keep their fallbacks."""
        kept, plain, counts = _egress_runs(self.framework)
        assert counts == [(0, 0, 2), (4, 2, 2)]  # the primary: one try and three retries, then the backup
        assert kept.final_output == plain.final_output == "Sunny."
        assert kept.models_used == ["openai:gemma"] and plain.models_used == ["openai:backup"]
        chats = kept.operation_spans(attr.OP_CHAT)
        assert [span.name for span in chats] == ["chat gemma", "chat gemma"]
        reason = "found e-mail address in the messages"
        assert hook_events(kept) == (("chat gemma", attr.REROUTE_EVENT, "KeepLocal", reason),) * 2
        for span in chats:
            [event] = span.events
            assert event.attributes["from"] == "openai:scripted" and event.attributes["to"] == "openai:gemma"
            assert "ada@" not in repr(event.attributes)  # the reason names what was found, never the text
        if self.framework != "tiny":
            tiny_kept, tiny_plain, _ = _egress_runs("tiny")
            assert kept.normalized() == tiny_kept.normalized()
            assert plain.normalized() == tiny_plain.normalized()


def _egress_runs(framework: str) -> tuple[AgentTrace, AgentTrace, list[tuple[int, int, int]]]:
    """A run whose input holds an e-mail address, then a plain one while the primary is down.

    Returns both traces and, after each, how many requests the primary, the fallback and the local
    route had received.
    """
    script = plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")
    with (
        ScriptedLLM(script) as cloud,
        ScriptedLLM(script, model="backup") as backup,
        ScriptedLLM(script, model="gemma") as local,
    ):
        config = AgentConfig(
            name="conformance",
            framework=framework,
            model_id=cloud.model_id,
            api_base=cloud.base_url,
            fallback_model_ids=[FallbackModel(model_id="openai:backup", api_base=backup.base_url)],
            tools=[get_weather],
            hooks=[KeepLocal(route_to={"model_id": "openai:gemma", "api_base": local.base_url})],
        )
        agent = Agent.create(config)
        counts = []
        kept = agent.run("Weather in Paris? Then mail it to ada@example.com")
        counts.append((len(cloud.requests), len(backup.requests), len(local.requests)))
        cloud.inject(Fault.server_error(503, retry_after=0.0), times=10)
        plain = agent.run("Weather in Paris?")
        counts.append((len(cloud.requests), len(backup.requests), len(local.requests)))
    return kept, plain, counts
