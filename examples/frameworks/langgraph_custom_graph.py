"""Your own LangGraph graph, with any-agent's model and tool bridges and traces, offline.

``agent_args={"graph": build_graph}`` replaces ``create_agent``: any-agent calls ``build_graph`` once
with its LangChain chat model (every call goes through the core model client) and its LangChain
tools (every call goes through the core tool boundary), and runs the graph you return. Runs still go
through ``Agent.run``, so they get the same ``chat`` and ``execute_tool`` spans, ``max_turns`` and
errors as on every framework.

Runs on the scripted model that ships with any-agent (127.0.0.1): ``python
examples/frameworks/langgraph_custom_graph.py``.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from any_agent import Agent, AgentConfig, AgentTrace
from any_agent.testing import ScriptedLLM, plan
from any_agent_langgraph import ModelBridge, ToolBridge


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 21°C"


def build_graph(model: ModelBridge, tools: list[ToolBridge]) -> Any:
    """A hand-written ReAct loop: a model node, LangGraph's ToolNode, and back until no tool calls."""
    model_with_tools = model.bind_tools(tools)

    async def call_model(state: MessagesState) -> dict[str, Any]:
        return {"messages": [await model_with_tools.ainvoke(state["messages"])]}

    builder = StateGraph(MessagesState)
    builder.add_node("model", call_model)
    builder.add_node("tools", ToolNode(tools))
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", tools_condition)
    builder.add_edge("tools", "model")
    return builder.compile()


def main() -> AgentTrace:
    script = plan([[("get_weather", {"city": "Paris"})]], final="It is sunny in Paris.")
    with ScriptedLLM(script) as llm:
        agent = Agent.create(
            AgentConfig(
                name="weather",
                framework="langgraph",
                model_id=llm.model_id,
                api_base=llm.base_url,
                instructions="Answer weather questions with the get_weather tool.",
                tools=[get_weather],
                agent_args={"graph": build_graph},
            )
        )
        trace = agent.run("What is the weather in Paris?")
    for step in trace.normalized():
        print(step["name"], step.get("result") or step.get("output") or "")
    print("answer:", trace.final_output)
    return trace


if __name__ == "__main__":
    main()
