"""The scripted model of the multi-agent tests: a writer that asks a researcher, who answers.

One stateless handler serves both agents, told apart by the tools they are offered: the writer is
offered the researcher as a tool, the researcher no tools at all.
"""

from __future__ import annotations

from any_agent.testing import ChatRequest, Reply, ScriptedLLM, ScriptedToolCall, answer
from any_agent.testing.types import message_text

RESEARCHER_ANSWER = "Sea otters hold hands while they sleep."
TASK = "facts about sea otters"


def writer_and_researcher(request: ChatRequest) -> Reply:
    """The writer calls ``researcher`` once, then writes from its answer; the researcher answers."""
    if "researcher" not in request.tool_names:
        return answer(request, RESEARCHER_ANSWER)
    if request.turn == 0:
        return Reply(tool_calls=[ScriptedToolCall("researcher", {"input": TASK})])
    found = "; ".join(message_text(message.get("content")) for message in request.tool_results)
    return answer(request, f"Article: {found}")


def endpoint(llm: ScriptedLLM) -> dict[str, str]:
    """The config fields that point an agent at the scripted server."""
    return {"model_id": llm.model_id, "api_base": llm.base_url, "api_key": "test-key"}
