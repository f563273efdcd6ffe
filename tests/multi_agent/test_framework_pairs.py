"""Every ordered pair of installed frameworks: an outer agent calls an inner agent as a tool.

For each pair (25 among the five frameworks), the answer, the nested span tree (one trace id, the
inner ``invoke_agent`` under the outer ``execute_tool``) and the token totals, overall and per
agent, are the same. One scripted server serves every pair; the pairs run one after another.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from any_agent import Agent, AgentConfig
from any_agent.model.types import Usage
from any_agent.testing import ScriptedLLM
from any_agent.tracing import attributes as attr
from any_agent.tracing.agents import span_tree
from tests.frameworks import FRAMEWORKS
from tests.multi_agent.scripts import RESEARCHER_ANSWER, TASK, writer_and_researcher

PAIRS = list(itertools.product(FRAMEWORKS, repeat=2))

EXPECTED_TREE = [
    {
        "name": "invoke_agent writer",
        "children": [
            {"name": "chat scripted", "children": []},
            {"name": "chat scripted", "children": []},
            {
                "name": "execute_tool researcher",
                "children": [
                    {"name": "invoke_agent researcher", "children": [{"name": "chat scripted", "children": []}]}
                ],
            },
        ],
    }
]


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(writer_and_researcher) as server:
        yield server


@pytest.mark.parametrize(("outer", "inner"), PAIRS, ids=[f"{outer}-uses-{inner}" for outer, inner in PAIRS])
async def test_an_agent_on_one_framework_uses_an_agent_on_another(llm: ScriptedLLM, outer: str, inner: str) -> None:
    endpoint = {"model_id": llm.model_id, "api_base": llm.base_url, "api_key": "test-key"}
    researcher = AgentConfig(**endpoint, name="researcher", description="Finds facts.", framework=inner)
    writer = AgentConfig(**endpoint, name="writer", framework=outer, tools=[researcher])

    async with Agent.create(writer) as agent:
        trace = await agent.run_async("Write about sea otters.")

    assert trace.final_output == f"Article: {RESEARCHER_ANSWER}"
    assert span_tree(trace.spans) == EXPECTED_TREE
    assert len({span.trace_id for span in trace.spans}) == 1
    (tool_span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    inner_root = next(span for span in trace.spans if span.name == "invoke_agent researcher")
    assert inner_root.parent_id == tool_span.span_id
    assert inner_root.attributes[attr.FRAMEWORK] == inner
    assert tool_span.attributes[attr.TOOL_CALL_ARGUMENTS] == f'{{"input": "{TASK}"}}'
    assert tool_span.attributes[attr.TOOL_CALL_RESULT] == RESEARCHER_ANSWER
    # The scripted model reports 10 in / 5 out per call: two writer calls, one researcher call.
    assert trace.usage == Usage(30, 15)
    assert [(run.name, run.framework, run.depth, run.usage) for run in trace.agents] == [
        ("writer", outer, 0, Usage(20, 10)),
        ("researcher", inner, 1, Usage(10, 5)),
    ]
