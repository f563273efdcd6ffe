"""How runs fail: the same error class, message, tool result and span status on every framework.

`FailureChecks` is part of `ConformanceSuite` (which derives from it), so an adapter package that
subclasses the suite runs these too; they need nothing but pytest's own fixtures.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from any_agent import Agent, AgentConfig, AgentRunError, AgentTrace, ConfigError, RunCancelled, ToolDefinitionError
from any_agent.output import OutputError
from any_agent.testing import Fault, ScriptedLLM, plan
from any_agent.testing.conformance import failure_tools
from any_agent.testing.conformance.runner import run_scenario
from any_agent.testing.conformance.scenarios import FAILING, Scenario
from any_agent.testing.conformance.tools import WeatherReport
from any_agent.tracing import attributes as attr

__all__ = ["FailureChecks"]


class FailureChecks:
    """The failure checks of the conformance suite (see `ConformanceSuite`, which runs them)."""

    framework: ClassVar[str]

    @pytest.mark.parametrize(
        ("tool", "expected_text"),
        [
            (failure_tools.parse_cli, "Error: tool 'parse_cli' raised SystemExit: 2"),
            (
                failure_tools.custom_base_exception,
                "Error: tool 'custom_base_exception' raised _Custom: custom failure for Paris",
            ),
            (
                failure_tools.self_containing,
                "Error: the result of tool 'self_containing' cannot be turned into text: "
                "ValueError: Circular reference detected",
            ),
            (
                failure_tools.unprintable,
                "Error: the result of tool 'unprintable' cannot be turned into text: RuntimeError: no text for you",
            ),
        ],
        ids=lambda value: getattr(value, "__name__", "text"),
    )
    def test_tool_failure_is_an_error_result(self, tool: Callable[..., Any], expected_text: str) -> None:
        """A tool's BaseException or unprintable result goes back to the model; the run goes on."""
        framework = self.framework
        outcome = run_scenario(_tool_failure(tool), framework)
        assert outcome.error is None, f"{framework}: {outcome.error}"
        assert outcome.output == "Handled."
        tool_results = outcome.requests[-1].tool_results
        assert [result["content"] for result in tool_results] == [expected_text]
        (span,) = outcome.trace.operation_spans(attr.OP_EXECUTE_TOOL)
        assert span.status == "ERROR"
        assert span.attributes[attr.ERROR_TYPE]

    @pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is sent as SIGINT, which Windows lacks")
    def test_ctrl_c_during_a_slow_sync_tool_returns_promptly_with_the_trace(self, tmp_path: Path) -> None:
        """SIGINT while a synchronous tool blocks: the program ends soon, abandoning the tool's thread.

        A hang check, not a timing assertion: the tool sleeps 60 s and the program must be gone well before.
        """
        trace_path = tmp_path / "trace.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "any_agent.testing.conformance.interrupted_run", self.framework, str(trace_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            started = process.stdout.readline().strip()
            if started != "tool started":
                process.kill()
                raise AssertionError(f"the program ended before its tool started: {process.communicate()[1]}")
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 130, stderr
        trace = AgentTrace.load(trace_path)
        assert trace.root is not None and trace.root.status == "ERROR"
        assert trace.root.status_description == "cancelled"
        (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
        assert span.status == "ERROR"
        assert [event.name for event in span.events] == [attr.THREAD_ABANDONED_EVENT]

    @pytest.mark.parametrize("via", ["api_key", "environment"])
    def test_an_echoed_key_never_escapes(self, via: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """A provider's 401 that repeats the key: not in the traceback, reprs, attributes or the trace."""
        config: dict[str, Any] = {"max_retries": 0}
        if via == "api_key":
            config["api_key"] = _SECRET
        else:
            monkeypatch.setenv("OPENAI_API_KEY", _SECRET)
        scenario = Scenario(
            "echoed_key", plan(["never seen"]), prompt="Hi", config=config, faults=((Fault.echo_authorization(), 1),)
        )
        outcome = run_scenario(scenario, self.framework)
        assert outcome.requests[0].headers["authorization"] == f"Bearer {_SECRET}"  # it was sent, and echoed
        assert outcome.error is not None
        assert type(outcome.error) is AgentRunError
        assert "401" in str(outcome.error) and "Incorrect API key provided: Bearer ***" in str(outcome.error)
        assert _SECRET not in _reachable_text(outcome.error)
        assert _SECRET not in outcome.trace.model_dump_json()

    def test_the_environment_key_is_sent_to_an_api_base(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With api_base set and no api_key, OPENAI_API_KEY is used; the placeholder only without it."""
        framework = self.framework
        monkeypatch.setenv("OPENAI_API_KEY", _SECRET)
        outcome = run_scenario(Scenario("env_key", plan(["Hello."]), prompt="Hi", expected_output="Hello."), framework)
        assert outcome.output == "Hello."
        assert {request.headers["authorization"] for request in outcome.requests} == {f"Bearer {_SECRET}"}
        monkeypatch.delenv("OPENAI_API_KEY")
        outcome = run_scenario(Scenario("no_key", plan(["Hello."]), prompt="Hi", expected_output="Hello."), framework)
        assert {request.headers["authorization"] for request in outcome.requests} == {"Bearer not-needed"}

    def test_an_answer_that_does_not_fit_output_type(self) -> None:
        """The same error class and message on every framework, from the core's output check."""
        scenario = Scenario(
            "output_misfit",
            plan([{"city": "Paris"}]),
            prompt="Report the weather in Paris.",
            config={"output_type": WeatherReport},
        )
        outcome = run_scenario(scenario, self.framework)
        assert outcome.error is not None
        assert type(outcome.error) is AgentRunError
        assert isinstance(outcome.error.cause, OutputError)
        assert str(outcome.error) == (
            'the final answer does not fit output_type WeatherReport: Field required (answer: \'{"city": "Paris"}\')'
        )

    @pytest.mark.parametrize("key", ["stream", "tools", "response_format", "messages", "model", "timeout"])
    def test_model_args_the_core_owns_fail_at_create(self, key: str) -> None:
        with ScriptedLLM(plan(["never"])) as llm, pytest.raises(ConfigError) as caught:
            Agent.create(_config(self.framework, llm, model_args={key: True}))
        assert caught.value.field == "model_args"
        assert repr(key) in str(caught.value)
        assert llm.requests == []

    @pytest.mark.parametrize("prompt", [None, 42, b"bytes", [42], {"role": "user"}])
    def test_run_with_an_input_that_is_not_a_prompt(self, prompt: Any) -> None:
        with ScriptedLLM(plan(["never"])) as llm:
            agent = Agent.create(_config(self.framework, llm))
            with pytest.raises(
                TypeError, match=r"run\(\) takes a prompt \(a str\) or a list of OpenAI-format chat messages"
            ):
                agent.run(prompt)
            assert llm.requests == []

    @pytest.mark.parametrize("tool", [failure_tools.variadic, failure_tools.keywords], ids=lambda tool: tool.__name__)
    def test_a_tool_with_variadic_parameters_is_rejected(self, tool: Callable[..., Any]) -> None:
        with ScriptedLLM(plan(["never"])) as llm, pytest.raises(ToolDefinitionError) as caught:
            Agent.create(_config(self.framework, llm, tools=[tool]))
        assert caught.value.field == "tools[0]"
        assert "a model can never fill" in str(caught.value)

    def test_a_tool_name_providers_refuse_is_rewritten_as_for_mcp(self) -> None:
        outcome = run_scenario(
            Scenario(
                "unsafe_tool_name",
                plan([[("weather_now_", {"city": "Paris"})]], final="Sunny."),
                tools=(failure_tools.weather_now,),
                expected_output="Sunny.",
            ),
            self.framework,
        )
        assert outcome.error is None, outcome.error
        assert outcome.requests[0].tool_names == ["weather_now_"]
        assert [result["content"] for result in outcome.requests[-1].tool_results] == ["Paris: sunny"]
        spans = outcome.trace.operation_spans(attr.OP_EXECUTE_TOOL)
        assert [span.name for span in spans] == ["execute_tool weather_now_"]

    def test_nothing_is_printed_on_failure(self, capfd: pytest.CaptureFixture[str]) -> None:
        """A failing tool, a failing model call, a run past max_turns: nothing reaches the terminal."""
        failing_tool = _tool_failure(failure_tools.parse_cli)
        assert run_scenario(failing_tool, self.framework).error is None
        failing_model = Scenario(
            "provider_500",
            plan(["never seen"]),
            prompt="Hi",
            config={"max_retries": 0},
            faults=((Fault.server_error(500), 1),),
        )
        assert run_scenario(failing_model, self.framework).error is not None
        too_long = next(scenario for scenario in FAILING if scenario.name == "max_turns_exceeded")
        assert run_scenario(too_long, self.framework).error is not None
        printed = capfd.readouterr()
        assert (printed.out, printed.err) == ("", "")

    def test_cancelling_a_run_during_a_slow_sync_tool_keeps_the_partial_trace(self) -> None:
        """A cancelled run (``wait_for``'s timeout, a task cancelled) ends at once with its partial trace."""

        async def cancel_during_the_tool(agent: Agent) -> RunCancelled:
            async with asyncio.timeout(60):  # a hang check: the tool alone would take 60 s after it starts
                run = asyncio.create_task(agent.run_async("Find Paris."))
                assert await asyncio.to_thread(failure_tools.SLOW_LOOKUP_STARTED.wait, 50)
                run.cancel()
                with pytest.raises(RunCancelled) as caught:
                    await run
            return caught.value

        with ScriptedLLM(plan([[("slow_lookup", {"city": "Paris"})]], final="Found.")) as llm:
            agent = Agent.create(_config(self.framework, llm, tools=[failure_tools.slow_lookup]))
            failure_tools.SLOW_LOOKUP_STARTED.clear()
            cancelled = asyncio.run(cancel_during_the_tool(agent))
        assert cancelled.trace.root is not None and cancelled.trace.root.status_description == "cancelled"
        (span,) = cancelled.trace.operation_spans(attr.OP_EXECUTE_TOOL)
        assert span.status == "ERROR"
        assert [event.name for event in span.events] == [attr.THREAD_ABANDONED_EVENT]


def _tool_failure(tool: Callable[..., Any]) -> Scenario:
    return Scenario(
        f"tool_{tool.__name__}",
        plan([[(tool.__name__, {"city": "Paris"})]], final="Handled."),
        tools=(tool,),
        expected_output="Handled.",
    )


_SECRET = "sk-test-0123456789abcdef"


def _reachable_text(error: BaseException) -> str:
    """Everything printable the error and its chain hold: traceback, reprs, attributes (one level deep)."""
    parts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        parts.append(repr(current))
        for value in vars(current).values():
            parts.append(repr(value) if not hasattr(value, "model_dump_json") else value.model_dump_json())
        stack += [current.__cause__, current.__context__]
    return "\n".join(parts)


def _config(framework: str, llm: ScriptedLLM, **fields: Any) -> AgentConfig:
    return AgentConfig(name="conformance", framework=framework, model_id=llm.model_id, api_base=llm.base_url, **fields)
