"""Agents as tools: what reaches the model, nesting bounds, turn limits, cancellation, agent files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from any_agent import Agent, AgentConfig
from any_agent.errors import ConfigError, RunCancelled
from any_agent.testing import ChatRequest, Fault, Reply, ScriptedLLM, ScriptedToolCall, answer
from any_agent.tools.agent_tool import MAX_AGENT_DEPTH, AgentNestingError
from any_agent.tracing import attributes as attr
from tests.multi_agent.scripts import RESEARCHER_ANSWER, endpoint, writer_and_researcher


async def test_the_model_sees_the_inner_agent_as_a_tool_with_one_input(llm: ScriptedLLM) -> None:
    researcher = AgentConfig(**endpoint(llm), name="researcher", description="Finds facts.")
    writer = AgentConfig(**endpoint(llm), name="writer", tools=[researcher])
    async with Agent.create(writer) as agent:
        await agent.run_async("Write.")
    offered = next(request for request in llm.requests if request.tool_names)
    assert offered.tools == [
        {
            "type": "function",
            "function": {
                "name": "researcher",
                "description": "Finds facts.",
                "parameters": {
                    "type": "object",
                    "properties": {"input": {"type": "string", "description": "The task or question for researcher."}},
                    "required": ["input"],
                    "additionalProperties": False,
                },
            },
        }
    ]


async def test_an_agent_object_is_a_tool_and_stays_usable_on_its_own(llm: ScriptedLLM) -> None:
    researcher = Agent.create(AgentConfig(**endpoint(llm), name="researcher"))
    writer = Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[researcher]))
    trace = await writer.run_async("Write.")
    assert trace.final_output == f"Article: {RESEARCHER_ANSWER}"
    await writer.aclose()
    alone = await researcher.run_async("Anything?")  # the writer did not close the agent it was given
    assert alone.final_output == RESEARCHER_ANSWER
    await researcher.aclose()


async def test_bad_arguments_for_an_agent_tool_are_the_models_to_fix(llm: ScriptedLLM) -> None:
    def handler(request: ChatRequest) -> Reply:
        if "researcher" in request.tool_names and request.turn == 0:
            return Reply(tool_calls=[ScriptedToolCall("researcher", {"question": "otters"})])
        return answer(request, "ok")

    llm.handler = handler
    researcher = AgentConfig(**endpoint(llm), name="researcher")
    async with Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[researcher])) as agent:
        trace = await agent.run_async("Write.")
    (tool,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert tool.status == "ERROR"
    assert tool.attributes[attr.TOOL_CALL_RESULT].startswith("Error: invalid arguments for tool 'researcher': ")
    assert "input: Field required" in tool.attributes[attr.TOOL_CALL_RESULT]
    assert [span.name for span in trace.operation_spans(attr.OP_INVOKE_AGENT)] == ["invoke_agent writer"]


async def test_max_turns_applies_inside_and_the_failure_is_a_tool_error(llm: ScriptedLLM) -> None:
    def handler(request: ChatRequest) -> Reply:
        if "researcher" in request.tool_names:
            return writer_and_researcher(request)
        return Reply(tool_calls=[ScriptedToolCall("lookup", {"topic": "otters"})])  # never stops

    def lookup(topic: str) -> str:
        """Look a topic up."""
        return f"{topic}: nothing"

    llm.handler = handler
    researcher = AgentConfig(**endpoint(llm), name="researcher", tools=[lookup], max_turns=2)
    async with Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[researcher])) as agent:
        trace = await agent.run_async("Write.")
    assert trace.succeeded  # the writer's model was told, and answered
    tool = next(span for span in trace.operation_spans(attr.OP_EXECUTE_TOOL) if span.name == "execute_tool researcher")
    assert tool.status == "ERROR"
    assert tool.attributes[attr.TOOL_CALL_RESULT].startswith(
        "Error: agent 'researcher' failed: The agent did not finish within max_turns=2 model turns."
    )
    assert tool.attributes[attr.ERROR_TYPE] == "any_agent.errors.MaxTurnsExceeded"
    inner = next(run for run in trace.agents if run.name == "researcher")
    assert inner.model_calls == 2


async def test_cancelling_the_outer_run_cancels_the_inner_one(llm: ScriptedLLM) -> None:
    def handler(request: ChatRequest) -> Reply | Fault:
        if "researcher" in request.tool_names:
            return writer_and_researcher(request)
        return Fault.slow(60)  # the researcher's model never answers in time

    llm.handler = handler
    researcher = AgentConfig(**endpoint(llm), name="researcher")
    async with Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[researcher])) as agent:
        with pytest.raises(TimeoutError) as raised:
            await asyncio.wait_for(agent.run_async("Write."), timeout=2)
    cancelled = raised.value.__cause__
    assert isinstance(cancelled, RunCancelled)
    spans = {span.name: span for span in cancelled.trace.spans}
    assert spans["invoke_agent researcher"].attributes[attr.ERROR_TYPE] == "cancelled"
    assert spans["execute_tool researcher"].attributes[attr.ERROR_TYPE] == "cancelled"
    assert spans["invoke_agent writer"].attributes[attr.ERROR_TYPE] == "cancelled"


def test_agents_that_use_each_other_in_a_cycle_fail_at_create(llm: ScriptedLLM) -> None:
    writer = AgentConfig(**endpoint(llm), name="writer")
    researcher = AgentConfig(**endpoint(llm), name="researcher", tools=[writer])
    writer.tools = [researcher]
    with pytest.raises(
        AgentNestingError,
        match=r"tools\[0\]\.tools\[0\]: agents use each other in a cycle: "
        r"writer -> researcher -> writer",
    ):
        Agent.create(writer)


def test_a_chain_deeper_than_the_bound_fails_at_create(llm: ScriptedLLM) -> None:
    config = AgentConfig(**endpoint(llm), name="agent_0")
    for level in range(1, MAX_AGENT_DEPTH + 1):
        config = AgentConfig(**endpoint(llm), name=f"agent_{level}", tools=[config])
    with pytest.raises(AgentNestingError, match=f"at most {MAX_AGENT_DEPTH} are allowed"):
        Agent.create(config)


def test_an_inner_agent_on_a_missing_framework_fails_at_create(llm: ScriptedLLM) -> None:
    researcher = AgentConfig(**endpoint(llm), name="researcher", framework="no-such-framework")
    with pytest.raises(ConfigError, match=r"^tools\[0\]: agent 'researcher': "):
        Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[researcher]))


async def test_an_agent_file_uses_another_agent_file(llm: ScriptedLLM, tmp_path: Path) -> None:
    fields = endpoint(llm)
    (tmp_path / "researcher.yaml").write_text(
        json.dumps({**fields, "name": "researcher", "description": "Finds facts."}), encoding="utf-8"
    )
    (tmp_path / "writer.yaml").write_text(
        json.dumps({**fields, "name": "writer", "tools": ["researcher.yaml"]}), encoding="utf-8"
    )
    config = AgentConfig.from_file(tmp_path / "writer.yaml")
    assert isinstance(config.tools[0], AgentConfig)
    assert config.to_file_data()["tools"][0]["name"] == "researcher"
    async with Agent.create(config) as agent:
        trace = await agent.run_async("Write.")
    assert trace.final_output == f"Article: {RESEARCHER_ANSWER}"


def test_agent_files_that_reference_each_other_fail_clearly(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text('{"model_id": "openai:x", "tools": ["b.yaml"]}', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('{"model_id": "openai:x", "tools": ["a.yaml"]}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"agent files reference each other in a cycle: a.yaml -> b.yaml -> a.yaml"):
        AgentConfig.from_file(tmp_path / "a.yaml")


async def test_streaming_the_outer_run_streams_the_outer_agents_events_only(llm: ScriptedLLM) -> None:
    researcher = AgentConfig(**endpoint(llm), name="researcher")
    async with Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[researcher])) as agent:
        events = [event async for event in agent.stream_async("Write.")]
    kinds = [event.kind for event in events]
    text = "".join(event.text for event in events if event.kind == "text_delta")
    assert text == f"Article: {RESEARCHER_ANSWER}"  # not the researcher's words
    assert kinds.count("tool_call") == kinds.count("tool_result") == 1
    assert kinds.count("model_response") == 2  # the writer's two model calls
    final = events[-1]
    assert final.kind == "run_finished"
    assert [run.name for run in final.trace.agents] == ["writer", "researcher"]


async def test_nested_runs_check_the_depth_bound_again(llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    """Agents composed within the bound at create time are still stopped at run time past it."""
    from any_agent.tools import agent_tool

    def handler(request: ChatRequest) -> Reply:
        offered = request.tool_names
        if offered and request.turn == 0:
            return Reply(tool_calls=[ScriptedToolCall(offered[0], {"input": "go"})])
        return answer(request, "; ".join(str(message.get("content")) for message in request.tool_results) or "leaf")

    llm.handler = handler
    leaf = AgentConfig(**endpoint(llm), name="leaf")
    middle = AgentConfig(**endpoint(llm), name="middle", tools=[leaf])
    top = Agent.create(AgentConfig(**endpoint(llm), name="top", tools=[middle]))
    monkeypatch.setattr(agent_tool, "MAX_AGENT_DEPTH", 2)
    trace = await top.run_async("Go.")
    await top.aclose()
    refused = next(span for span in trace.spans if span.name == "execute_tool leaf")
    assert refused.attributes[attr.TOOL_CALL_RESULT] == (
        "Error: tool 'leaf' raised AgentNestingError: agents nest deeper than 2 (middle -> leaf); refusing to go on"
    )
    assert [run.name for run in trace.agents] == ["top", "middle"]


async def test_the_inner_agents_own_hooks_apply_inside(llm: ScriptedLLM) -> None:
    from any_agent.hooks import Hooks

    class Censor(Hooks):
        async def after_model_call(self, call: object, response: object) -> str | None:
            return "[censored by the researcher's hook]"

    researcher = AgentConfig(**endpoint(llm), name="researcher", hooks=[Censor()])
    async with Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[researcher])) as agent:
        trace = await agent.run_async("Write.")
    (tool,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert tool.attributes[attr.TOOL_CALL_RESULT] == "[censored by the researcher's hook]"
    assert trace.final_output == "Article: [censored by the researcher's hook]"  # the writer's own answer: no hook
