"""The hooks' own contract, on `tiny` (the conformance kit runs the behaviours on every framework)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest

from any_agent import Agent, AgentConfig, AgentRunError, ConfigError
from any_agent.config import FallbackModel
from any_agent.hooks import (
    ApproveTools,
    Decision,
    GuardrailTripped,
    GuardrailVerdict,
    HookError,
    Hooks,
    InputGuardrail,
    KeepLocal,
    ModelCall,
    OutputGuardrail,
    PiiDetector,
    RunAborted,
    ToolCallDenied,
    ToolInvocation,
    ask_in_terminal,
)
from any_agent.model.types import ModelResponse
from any_agent.testing import Fault, ScriptedLLM, plan
from any_agent.testing.conformance.hooks_suite import hook_events
from any_agent.testing.conformance.tools import get_weather
from any_agent.tracing import attributes as attr
from any_agent.tracing.content import CAPTURE_CONTENT_ENV


def _agent(llm: ScriptedLLM, **fields: Any) -> Agent:
    return Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, **fields))


class Lower(Hooks):
    async def before_model_call(self, call: ModelCall) -> None:
        call.messages[-1]["content"] = str(call.messages[-1]["content"]).lower()
        call.model_args["temperature"] = 0.0


def test_an_edited_call_is_what_the_model_and_the_span_see() -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        trace = _agent(llm, hooks=[Lower()], model_args={"temperature": 0.9}).run("HELLO")
        [request] = llm.requests
    assert request.last_user_message == "hello" and request.raw["temperature"] == 0.0
    [chat] = trace.operation_spans(attr.OP_CHAT)
    assert "hello" in chat.attributes[attr.INPUT_MESSAGES] and chat.attributes["gen_ai.request.temperature"] == 0.0
    [event] = chat.events
    assert event.attributes["changes"] == ("messages", "model_args")
    assert "HELLO" in event.attributes["messages_before"]  # content capture is on by default


def test_with_content_capture_off_the_event_says_what_changed_not_the_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CAPTURE_CONTENT_ENV, "false")
    with ScriptedLLM(plan(["ok"])) as llm:
        trace = _agent(llm, hooks=[Lower()]).run("HELLO")
    [event] = trace.operation_spans(attr.OP_CHAT)[0].events
    assert dict(event.attributes) == {"hook": "Lower", "changes": ("messages", "model_args")}


def test_the_framework_history_is_never_edited_in_place() -> None:
    history = [{"role": "user", "content": "KEEP ME"}]
    with ScriptedLLM(plan(["ok"])) as llm:
        _agent(llm, hooks=[Lower()]).run(history)
    assert history == [{"role": "user", "content": "KEEP ME"}]


class Broken(Hooks):
    def before_tool_call(self, call: ToolInvocation) -> None:  # type: ignore[override]
        raise KeyError("no such key")


def test_a_hook_that_raises_fails_the_run_naming_it() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]])) as llm, pytest.raises(AgentRunError) as caught:
        _agent(llm, tools=[get_weather], hooks=[Broken()]).run("Weather?")
    assert type(caught.value) is AgentRunError
    assert str(caught.value) == "hook Broken failed in before_tool_call: KeyError: 'no such key'"
    assert isinstance(caught.value.cause, HookError)
    [tool] = caught.value.trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert (tool.status, tool.attributes[attr.ERROR_TYPE]) == ("ERROR", "hook_failed")


class WrongReturn(Hooks):
    async def after_model_call(self, call: ModelCall, response: ModelResponse) -> Any:
        return 42


def test_a_hook_returning_the_wrong_type_fails_the_run_saying_what_it_returns() -> None:
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(AgentRunError, match="returned int, not str or ModelResponse"):
        _agent(llm, hooks=[WrongReturn()]).run("Hi")


def test_a_config_entry_that_is_not_a_hook_is_refused() -> None:
    with pytest.raises(ValueError, match=r"hooks\[0\].*subclass any_agent.hooks.Hooks"):
        AgentConfig(model_id="openai:x", hooks=[print])


def test_agent_files_name_hooks_by_import_path(tmp_path: Path) -> None:
    (tmp_path / "my_hooks.py").write_text(
        "from any_agent.hooks import Hooks\n"
        "class Shout(Hooks):\n"
        "    async def after_model_call(self, call, response):\n"
        "        return (response.content or '').upper()\n"
        "quiet = Shout()\n"
    )
    file = tmp_path / "agent.yaml"
    file.write_text(
        "model_id: openai:scripted\n"
        "hooks:\n"
        "  - my_hooks:Shout\n"
        "  - my_hooks:quiet\n"
        "  - class: any_agent.hooks:KeepLocal\n"
        "    args: {route_to: {model_id: 'openai:local-model', api_base: 'http://127.0.0.1:9/v1'}}\n"
    )
    config = AgentConfig.from_file(file)
    assert [type(hook).__name__ for hook in config.hooks] == ["Shout", "Shout", "KeepLocal"]
    assert isinstance(config.hooks[2], KeepLocal) and config.hooks[2].routes()[0]["model_id"] == "openai:local-model"
    with ScriptedLLM(plan(["quiet please"])) as llm:
        trace = Agent.create(config.model_copy(update={"api_base": llm.base_url})).run("Hi")
    assert trace.final_output == "QUIET PLEASE"
    file.write_text("model_id: openai:scripted\nhooks:\n  - class: any_agent.hooks:KeepLocal\n    args: {route: x}\n")
    with pytest.raises(ConfigError, match=r"hooks\[0\].*KeepLocal\(\*\*args\) failed"):
        AgentConfig.from_file(file)


def test_a_bad_reroute_target_fails_at_create() -> None:
    with pytest.raises(ConfigError, match="provider:model"):
        KeepLocal(route_to="gemma")
    config = AgentConfig(
        model_id="openai:scripted", api_base="http://127.0.0.1:9/v1", hooks=[KeepLocal(route_to="nosuch:model")]
    )
    with pytest.raises(ConfigError) as caught:
        Agent.create(config)
    assert caught.value.field == "hooks" and "unknown provider 'nosuch'" in str(caught.value)


def test_detectors_name_what_they_found() -> None:
    detect = PiiDetector(patterns={"employee id": r"\bE\d{6}\b"})
    assert detect("write to ada.lovelace@example.co.uk") == ["e-mail address"]
    assert detect("call +33 6 12 34 56 78 or (555) 123-4567") == ["phone number"]
    assert detect("pay GB82 WEST 1234 5698 7654 32 today") == ["IBAN"]
    assert detect("badge E123456") == ["employee id"]
    assert detect("order GB82 WEST 1234 5698 7654 33, on 2024-01-15, 1 000 000 units, v1.2.3") == []
    assert PiiDetector(patterns=[r"secret"])("a secret") == ["pattern 1"]
    assert PiiDetector(emails=False)("a@b.io") == []


def test_keep_local_with_a_local_primary_keeps_the_call_off_the_cloud_fallback() -> None:
    """A call to a local model that fails is not handed to a cloud fallback once the detector fired."""

    class PretendLocal(Hooks):  # the scripted server stands in for a local model
        async def before_model_call(self, call: ModelCall) -> None:
            call.local = True

    with ScriptedLLM(plan(["never"])) as primary, ScriptedLLM(plan(["cloud"]), model="cloud") as cloud:
        primary.inject(Fault.server_error(503, retry_after=0.0), times=10)
        config = AgentConfig(
            model_id=primary.model_id,
            api_base=primary.base_url,
            max_retries=0,
            fallback_model_ids=[FallbackModel(model_id="openai:cloud", api_base=cloud.base_url)],
            hooks=[PretendLocal(), KeepLocal()],
        )
        agent = Agent.create(config)
        with pytest.raises(AgentRunError, match="503"):
            agent.run("my number is +44 20 7946 0958")
        assert len(cloud.requests) == 0
        assert agent.run("no personal data here").final_output == "cloud"  # other calls keep their fallbacks


def test_approval_asks_with_the_call_and_takes_async_answers() -> None:
    asked: list[tuple[str, dict[str, Any]]] = []

    async def ask(call: ToolInvocation) -> Decision:
        asked.append((call.name, call.arguments))
        await asyncio.sleep(0)
        return Decision(False, "not today")

    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]])) as llm:
        trace = _agent(llm, tools=[get_weather], hooks=[ApproveTools(ask=ask)]).run("Weather?")
    assert asked == [("get_weather", {"city": "Paris"})]
    assert "denied: not today" in trace.final_output
    [tool] = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert (tool.status, tool.attributes[attr.ERROR_TYPE]) == ("ERROR", "ToolCallDenied")


def test_approval_skips_tools_it_does_not_guard() -> None:
    def never(call: ToolInvocation) -> bool:
        raise AssertionError("asked about an unguarded tool")

    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]])) as llm:
        trace = _agent(llm, tools=[get_weather], hooks=[ApproveTools(["delete_file"], ask=never)]).run("Weather?")
    assert trace.final_output == "Done: Paris: sunny, 21°C"


def test_the_terminal_asker_shows_the_call_and_reads_yes_or_no() -> None:
    call = ToolInvocation("delete_file", {"path": "/tmp/x"}, "c1", None)
    shown = io.StringIO()
    assert ask_in_terminal(call, read=io.StringIO("y\n"), write=shown) == Decision(True)
    assert 'delete_file({"path": "/tmp/x"})' in shown.getvalue() and "[y/N]" in shown.getvalue()
    assert not ask_in_terminal(call, read=io.StringIO("\n"), write=io.StringIO()).approved
    assert not ask_in_terminal(call, read=io.StringIO("nope\n"), write=io.StringIO()).approved


def test_an_agent_as_input_guardrail_decides_by_its_verdict() -> None:
    judge_script = plan([{"tripped": True, "reason": "off topic"}])
    with ScriptedLLM(judge_script, model="judge") as judge_llm, ScriptedLLM(plan(["never"])) as llm:
        judge = Agent.create(
            AgentConfig(
                name="judge", model_id="openai:judge", api_base=judge_llm.base_url, output_type=GuardrailVerdict
            )
        )
        with pytest.raises(GuardrailTripped) as caught:
            _agent(llm, hooks=[InputGuardrail(judge)]).run("Tell me a joke")
        assert len(llm.requests) == 0 and judge_llm.requests[0].last_user_message == "Tell me a joke"
    assert str(caught.value) == "guardrail judge tripped: off topic"
    assert caught.value.guardrail == "judge" and isinstance(caught.value, RunAborted)


def test_an_agent_guardrail_needs_a_verdict_output_type() -> None:
    with ScriptedLLM(plan(["x"])) as llm, pytest.raises(ConfigError, match="output_type=GuardrailVerdict"):
        InputGuardrail(_agent(llm))


def test_an_output_guardrail_sees_the_answer_and_a_passing_one_changes_nothing() -> None:
    seen: list[str] = []

    async def check(text: str) -> None:
        seen.append(text)

    with ScriptedLLM(plan(["All good."])) as llm:
        trace = _agent(llm, hooks=[OutputGuardrail(check, name="audit")]).run("Hi")
    assert trace.final_output == "All good." and seen == ["All good."] and hook_events(trace) == ()


def test_on_run_end_sees_the_answer_and_the_steps() -> None:
    seen: list[Any] = []

    class Audit(Hooks):
        def on_run_end(self, run: Any, trace: Any) -> None:  # type: ignore[override]
            seen.append((run.framework, trace.final_output, [span.name for span in trace.spans]))

    with ScriptedLLM(plan(["Bye."])) as llm:
        _agent(llm, hooks=[Audit()]).run("Hi")
    assert seen == [("tiny", "Bye.", ["chat scripted"])]


class Exclaim(Hooks):
    async def after_model_call(self, call: ModelCall, response: ModelResponse) -> str:
        return f"{response.content}!"


def test_hooks_stream_through_unless_an_after_model_hook_must_see_the_text_first() -> None:
    """Without an ``after_model_call`` hook deltas come as the model sends them; with one, once it has seen them."""
    text = "one two three four five six seven"
    with ScriptedLLM(plan([text, text])) as llm:
        passed = list(_agent(llm, hooks=[Lower()]).stream("Hi"))
        held = list(_agent(llm, hooks=[Exclaim()]).stream("Hi"))
    passed_deltas = [event.text for event in passed if event.kind == "text_delta"]
    assert "".join(passed_deltas) == text and len(passed_deltas) == 3  # as the server sent them
    assert [event.text for event in held if event.kind == "text_delta"] == [text + "!"]
    assert [event.kind for event in held][-1] == "run_finished"


class DeniesAModelCall(Hooks):
    async def before_model_call(self, call: ModelCall) -> None:
        raise ToolCallDenied("not a tool")


def test_tool_call_denied_outside_before_tool_call_is_a_hook_bug() -> None:
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(AgentRunError) as caught:
        _agent(llm, hooks=[DeniesAModelCall()]).run("Hi")
    assert str(caught.value).startswith("hook DeniesAModelCall failed in before_model_call: TypeError: ToolCallDenied")
    [chat] = caught.value.trace.operation_spans(attr.OP_CHAT)
    assert chat.attributes[attr.ERROR_TYPE] == "hook_failed"


class Watcher(Hooks):
    """Overrides every method, changes nothing."""

    async def on_run_start(self, run: Any) -> None: ...
    async def before_model_call(self, call: ModelCall) -> None: ...
    async def after_model_call(self, call: ModelCall, response: ModelResponse) -> None: ...
    async def before_tool_call(self, call: ToolInvocation) -> None: ...
    async def after_tool_call(self, call: ToolInvocation, result: Any) -> None: ...
    async def on_run_end(self, run: Any, trace: Any) -> None: ...


def test_a_hook_that_changes_nothing_leaves_no_trace_and_the_same_run() -> None:
    script = plan([[("get_weather", {"city": "Paris"})], [("get_weather", {"city": "Oslo"})]])
    with ScriptedLLM(script) as llm:
        watched = _agent(llm, tools=[get_weather], hooks=[Watcher()]).run("Weather?")
        plain = _agent(llm, tools=[get_weather]).run("Weather?")
    assert watched.normalized() == plain.normalized()
    assert all(not span.events for span in watched.spans)
