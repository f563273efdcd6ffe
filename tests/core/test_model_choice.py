from __future__ import annotations

import pytest

from any_agent import Agent, AgentConfig, AgentRunError, ConfigError
from any_agent.model.cost import call_cost
from any_agent.model.ids import parse_model_id
from any_agent.model.types import Usage
from any_agent.testing import Fault, ScriptedLLM, echo, plan
from any_agent.tracing import attributes as attr


def lookup(term: str) -> str:
    """Look a term up."""
    return f"{term}!"


def test_fallback_serves_the_call_and_the_rest_of_the_run() -> None:
    with ScriptedLLM(echo()) as primary, ScriptedLLM(plan([[("lookup", {"term": "a"})]], final="ok")) as backup:
        primary.inject(Fault.status(401, "key revoked"), times=1)
        config = AgentConfig(
            model_id="openai:primary-model",
            api_base=primary.base_url,
            fallback_model_ids=[{"model_id": "openai:backup-model", "api_base": backup.base_url}],
            tools=[lookup],
        )
        trace = Agent.create(config).run("go")
        assert len(primary.requests) == 1  # 401 is not retried; later calls stay on the fallback
        assert len(backup.requests) == 2
    assert trace.final_output == "ok"
    assert trace.models_used == ["openai:backup-model"]
    first, second = trace.operation_spans(attr.OP_CHAT)
    assert first.name == "chat backup-model"
    assert first.attributes[attr.REQUEST_MODEL] == "backup-model"
    (event,) = first.events
    assert event.name == attr.FALLBACK_EVENT
    assert event.attributes["from"] == "openai:primary-model"
    assert event.attributes["to"] == "openai:backup-model"
    assert "HTTP 401" in event.attributes["reason"]
    assert second.events == []


def test_primary_first_policy_goes_back_to_the_primary() -> None:
    with (
        ScriptedLLM(plan([[("lookup", {"term": "a"})]], final="from primary")) as primary,
        ScriptedLLM(plan([[("lookup", {"term": "a"})]])) as backup,
    ):
        primary.inject(Fault.server_error(503, retry_after=0), times=2)
        config = AgentConfig(
            model_id="openai:primary-model",
            api_base=primary.base_url,
            max_retries=1,
            fallback_model_ids=[{"model_id": "openai:backup-model", "api_base": backup.base_url}],
            fallback_policy="primary_first",
            tools=[lookup],
        )
        trace = Agent.create(config).run("go")
    assert trace.models_used == ["openai:backup-model", "openai:primary-model"]
    assert trace.final_output == "from primary"


def test_a_bad_request_is_not_retried_elsewhere() -> None:
    with ScriptedLLM(echo()) as primary, ScriptedLLM(echo()) as backup:
        primary.inject(Fault.status(400, "context_length_exceeded: too many tokens"), times=1)
        config = AgentConfig(
            model_id="openai:primary-model",
            api_base=primary.base_url,
            fallback_model_ids=[{"model_id": "openai:backup-model", "api_base": backup.base_url}],
        )
        with pytest.raises(AgentRunError, match="400"):
            Agent.create(config).run("go")
        assert backup.requests == []


def test_every_model_failing_reports_the_last_with_the_trail() -> None:
    with ScriptedLLM(echo()) as primary, ScriptedLLM(echo()) as backup:
        primary.inject(Fault.status(404, "model gone"), times=1)
        backup.inject(Fault.status(403, "forbidden"), times=1)
        config = AgentConfig(
            model_id="openai:primary-model",
            api_base=primary.base_url,
            fallback_model_ids=[{"model_id": "openai:backup-model", "api_base": backup.base_url}],
        )
        with pytest.raises(AgentRunError, match=r"backup-model.*403") as info:
            Agent.create(config).run("go")
    (chat,) = info.value.trace.operation_spans(attr.OP_CHAT)
    assert chat.status == "ERROR"
    assert [event.name for event in chat.events] == [attr.FALLBACK_EVENT]


def test_fallback_config_from_strings_and_errors_name_the_entry() -> None:
    config = AgentConfig(model_id="openai:a", api_base="http://127.0.0.1:9/v1", fallback_model_ids=["ollama:llama3.2"])
    assert config.fallback_model_ids[0].model_id == "ollama:llama3.2"
    assert config.to_file_data()["fallback_model_ids"] == [{"model_id": "ollama:llama3.2"}]
    with pytest.raises(ConfigError) as info:
        Agent.create(AgentConfig(model_id="openai:a", api_base="http://127.0.0.1:9/v1", fallback_model_ids=["nope:x"]))
    assert info.value.field == "fallback_model_ids[0].model_id"


def test_costs_come_from_price_data_unknown_is_none_local_is_zero() -> None:
    known = call_cost(parse_model_id("openai:gpt-4.1-mini"), Usage(1_000_000, 1_000_000))
    assert known is not None and known > 0
    assert call_cost(parse_model_id("openai:no-such-model-xyz"), Usage(10, 5)) is None
    assert call_cost(parse_model_id("ollama:llama3.2"), Usage(10, 5)) == 0.0


def test_trace_cost_is_unknown_for_an_unpriced_model_and_summed_for_priced_ones() -> None:
    with ScriptedLLM(echo()) as llm:
        trace = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url)).run("hi")
        assert trace.cost is None
        assert attr.COST not in trace.operation_spans(attr.OP_CHAT)[0].attributes
        priced = Agent.create(AgentConfig(model_id="openai:gpt-4.1-mini", api_base=llm.base_url)).run("hi")
    expected = call_cost(parse_model_id("openai:gpt-4.1-mini"), Usage(10, 5))
    assert expected is not None and priced.cost == pytest.approx(expected)
