"""A2A: an agent served with the official a2a-sdk's server, called with its own client and as a tool."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.helpers import get_stream_response_text
from a2a.types import Message, Part, Role, SendMessageRequest, StreamResponse, TaskState

from any_agent import Agent, AgentConfig
from any_agent.serve.a2a import A2AAgentServer
from any_agent.testing import ChatRequest, Reply, ScriptedLLM
from any_agent.tools.a2a import A2AAgentTool
from any_agent.tracing import attributes as attr
from tests.multi_agent.scripts import RESEARCHER_ANSWER, TASK, endpoint


@pytest.fixture
def served(llm: ScriptedLLM) -> Iterator[A2AAgentServer]:
    researcher = Agent.create(
        AgentConfig(**endpoint(llm), name="researcher", description="Finds facts.", framework="langgraph")
    )
    with A2AAgentServer(researcher) as server:
        yield server


async def _send(url: str, text: str, *, context_id: str, streaming: bool) -> list[StreamResponse]:
    async with httpx.AsyncClient(timeout=30) as http:
        card = await A2ACardResolver(httpx_client=http, base_url=url).get_agent_card()
        client = ClientFactory(ClientConfig(streaming=streaming, httpx_client=http)).create(card)
        message = Message(
            role=Role.ROLE_USER, parts=[Part(text=text)], message_id=uuid.uuid4().hex, context_id=context_id
        )
        try:
            return [response async for response in client.send_message(SendMessageRequest(message=message))]
        finally:
            await client.close()


async def test_the_card_describes_the_agent(served: A2AAgentServer) -> None:
    async with httpx.AsyncClient() as http:
        card = await A2ACardResolver(httpx_client=http, base_url=served.url).get_agent_card()
    assert (card.name, card.description) == ("researcher", "Finds facts.")
    assert [(skill.id, skill.description, list(skill.tags)) for skill in card.skills] == [
        ("researcher", "Finds facts.", ["langgraph"])
    ]
    assert card.capabilities.streaming
    assert [(item.protocol_binding, item.url) for item in card.supported_interfaces] == [("JSONRPC", served.url)]


async def test_a_message_gets_the_agents_answer(served: A2AAgentServer) -> None:
    (response,) = await _send(served.url, "Anything?", context_id="c1", streaming=False)
    assert response.task.status.state == TaskState.TASK_STATE_COMPLETED
    assert get_stream_response_text(response, delimiter="") == RESEARCHER_ANSWER


async def test_a_streaming_client_gets_the_text_as_it_is_generated(served: A2AAgentServer) -> None:
    responses = await _send(served.url, "Anything?", context_id="c1", streaming=True)
    chunks = [get_stream_response_text(item) for item in responses if item.HasField("artifact_update")]
    assert len([chunk for chunk in chunks if chunk]) > 1  # the scripted model streams in several chunks
    assert "".join(chunks) == RESEARCHER_ANSWER
    assert responses[-1].status_update.status.state == TaskState.TASK_STATE_COMPLETED


async def test_messages_with_one_context_id_are_one_conversation(served: A2AAgentServer, llm: ScriptedLLM) -> None:
    await _send(served.url, "First question", context_id="kept", streaming=False)
    await _send(served.url, "Second question", context_id="kept", streaming=True)
    await _send(served.url, "Elsewhere", context_id="other", streaming=False)
    conversations = [[message.get("content") for message in request.messages] for request in llm.requests]
    assert conversations[1] == ["First question", RESEARCHER_ANSWER, "Second question"]
    assert conversations[2] == ["Elsewhere"]


async def test_a_failed_run_fails_the_task(llm: ScriptedLLM) -> None:
    def never_stops(request: ChatRequest) -> Reply:
        from any_agent.testing import ScriptedToolCall

        return Reply(tool_calls=[ScriptedToolCall("lookup", {"topic": "x"})])

    def lookup(topic: str) -> str:
        """Look a topic up."""
        return topic

    llm.handler = never_stops
    agent = Agent.create(AgentConfig(**endpoint(llm), name="looper", tools=[lookup], max_turns=1))
    with A2AAgentServer(agent) as server:
        (response,) = await _send(server.url, "Go", context_id="c", streaming=False)
    assert response.task.status.state == TaskState.TASK_STATE_FAILED
    assert "max_turns=1" in response.task.status.message.parts[0].text


def test_a_loopback_server_refuses_other_host_names(served: A2AAgentServer) -> None:
    card_path = "/.well-known/agent-card.json"
    assert httpx.get(served.url.rstrip("/") + card_path).status_code == 200
    refused = httpx.get(served.url.rstrip("/") + card_path, headers={"Host": "attacker.example"})
    assert refused.status_code == 400


@pytest.mark.parametrize("framework", ["tiny", "crewai"])
def test_a_remote_a2a_agent_is_a_tool(served: A2AAgentServer, llm: ScriptedLLM, framework: str) -> None:
    writer = Agent.create(
        AgentConfig(**endpoint(llm), name="writer", framework=framework, tools=[A2AAgentTool(url=served.url)])
    )
    trace = writer.run("Write about sea otters.", conversation_id="run-1")
    writer.close()
    assert trace.final_output == f"Article: {RESEARCHER_ANSWER}"
    (tool,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert tool.name == "execute_tool researcher"  # named after the card
    assert tool.attributes[attr.TOOL_DESCRIPTION] == "Finds facts."
    assert tool.attributes[attr.TOOL_CALL_ARGUMENTS] == f'{{"input": "{TASK}"}}'
    assert tool.attributes[attr.TOOL_CALL_RESULT] == RESEARCHER_ANSWER


def test_an_unreachable_a2a_agent_fails_at_create(llm: ScriptedLLM) -> None:
    from any_agent.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^tools\[0\]: cannot read the A2A agent card at http://127.0.0.1:9/"):
        Agent.create(AgentConfig(**endpoint(llm), tools=[A2AAgentTool(url="http://127.0.0.1:9/")]))


def test_an_agent_file_names_a_remote_agent(tmp_path: object) -> None:
    config = AgentConfig.model_validate(
        {"model_id": "openai:x", "tools": [{"a2a": "http://127.0.0.1:8000/", "name": "researcher"}]}
    )
    assert config.tools == [A2AAgentTool(url="http://127.0.0.1:8000/", name="researcher")]
    assert config.to_file_data()["tools"] == [{"a2a": "http://127.0.0.1:8000/", "name": "researcher"}]


def test_the_remote_run_joins_the_callers_trace(served: A2AAgentServer, llm: ScriptedLLM) -> None:
    from opentelemetry.sdk.trace import ReadableSpan

    from any_agent.tracing.collector import add_span_listener

    ended: list[ReadableSpan] = []
    remove = add_span_listener(ended.append)
    try:
        writer = Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[A2AAgentTool(url=served.url)]))
        trace = writer.run("Write about sea otters.")
        writer.close()
    finally:
        remove()
    (tool,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    remote = next(span for span in ended if span.name == "invoke_agent researcher")
    assert remote.context is not None and remote.parent is not None
    assert f"{remote.context.trace_id:032x}" == tool.trace_id
    assert f"{remote.parent.span_id:016x}" == tool.span_id


@pytest.mark.parametrize(("mcp", "a2a"), [(False, False), (True, True)])
def test_serve_wants_exactly_one_of_mcp_and_a2a(mcp: bool, a2a: bool) -> None:
    from pathlib import Path

    from rich.console import Console

    from any_agent.cli import exit_codes
    from any_agent.serve.command import serve_command

    err = Console(record=True, width=200)
    researcher = Path(__file__).resolve().parents[2] / "examples" / "multi_agent" / "researcher.yaml"
    code = serve_command(researcher, mcp=mcp, a2a=a2a, host="127.0.0.1", port=0, framework=None, model=None, err=err)
    assert code == exit_codes.USAGE
    assert "say how to serve the agent: --mcp (streamable-HTTP MCP) or --a2a (Agent2Agent)" in err.export_text()


async def test_cancelling_the_task_cancels_the_run(llm: ScriptedLLM) -> None:
    from a2a.types import CancelTaskRequest
    from opentelemetry.sdk.trace import ReadableSpan

    from any_agent.testing import Fault
    from any_agent.tracing.collector import add_span_listener

    llm.handler = lambda request: Fault.slow(60)  # the model never answers in time
    ended: list[ReadableSpan] = []
    remove = add_span_listener(ended.append)
    agent = Agent.create(AgentConfig(**endpoint(llm), name="slow"))
    try:
        with A2AAgentServer(agent) as server:
            async with httpx.AsyncClient(timeout=30) as http:
                card = await A2ACardResolver(httpx_client=http, base_url=server.url).get_agent_card()
                client = ClientFactory(ClientConfig(streaming=True, httpx_client=http)).create(card)
                message = Message(role=Role.ROLE_USER, parts=[Part(text="Go")], message_id=uuid.uuid4().hex)
                async for response in client.send_message(SendMessageRequest(message=message)):
                    if response.HasField("status_update"):  # working: the run has started
                        task_id = response.status_update.task_id
                        break
                cancelled = await client.cancel_task(CancelTaskRequest(id=task_id))
                await client.close()
    finally:
        remove()
    assert cancelled.status.state == TaskState.TASK_STATE_CANCELED
    root = next(span for span in ended if span.name == "invoke_agent slow")
    assert root.attributes is not None and root.attributes[attr.ERROR_TYPE] == "cancelled"


def test_runs_with_one_conversation_id_are_one_remote_conversation(served: A2AAgentServer, llm: ScriptedLLM) -> None:
    writer = Agent.create(AgentConfig(**endpoint(llm), name="writer", tools=[A2AAgentTool(url=served.url)]))
    writer.run("Write about sea otters.", conversation_id="kept")
    writer.run("And again.", conversation_id="kept")
    writer.close()
    researcher_calls = [request for request in llm.requests if not request.tool_names]
    assert [message.get("content") for message in researcher_calls[1].messages] == [TASK, RESEARCHER_ANSWER, TASK]
