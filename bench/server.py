"""The scripted model server for the benchmark, in its own process (run with the project's venv).

It prints its URL on one line, then reads commands on stdin: ``count`` prints the number of chat
requests since the last ``reset`` and the message counts of the last ones; ``reset``; ``quit``.
A separate process keeps the server's CPU off the measured process's GIL, for every variant alike.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import SCENARIOS, scenario_for

from any_agent.testing import ChatRequest, Reply, ScriptedLLM, ScriptedToolCall, plan
from any_agent.testing.types import message_text

# The server sets TCP_NODELAY on its connections itself (`httpd._RequestHandler`): without it
# every request waited ~40 ms for the client's delayed ACK, which would swamp every variant's cost.

_PLANS = {name: plan(s["steps"], final=s["final"]) for name, s in SCENARIOS.items()}


def handler(request: ChatRequest) -> Reply:
    if "final_answer" in request.tool_names:
        return _smolagents_reply(request)
    return _PLANS[scenario_for(request.last_user_message or "")](request)  # type: ignore[return-value]


def _smolagents_reply(request: ChatRequest) -> Reply:
    """The same script for native smolagents, as a model that follows smolagents' protocol answers.

    smolagents sends each tool result back as a user message ("Observation: ...") and ends a run
    only on a call of its ``final_answer`` tool: the step is the number of assistant turns after the
    task, and the final answer is that tool's call.
    """
    users = [i for i, message in enumerate(request.messages) if message.get("role") == "user"]
    task = users[0] if users else 0
    scenario = SCENARIOS[scenario_for(message_text(request.messages[task].get("content")))]
    turn = sum(1 for message in request.messages[task + 1 :] if message.get("role") == "assistant")
    if turn < len(scenario["steps"]):
        return Reply(tool_calls=[ScriptedToolCall(name, arguments) for name, arguments in scenario["steps"][turn]])
    return Reply(tool_calls=[ScriptedToolCall("final_answer", {"answer": scenario["final"]})])


def main() -> None:
    with ScriptedLLM(handler) as llm:
        print(json.dumps({"base_url": llm.base_url, "model_id": llm.model_id}), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "count":
                requests = llm.requests
                answer = {
                    "requests": len(requests),
                    "messages": [len(r.messages) for r in requests],
                    "tools": [r.tool_names for r in requests],
                    "streamed": [r.stream for r in requests],
                }
                print(json.dumps(answer), flush=True)
            elif command == "reset":
                llm.reset()
                print("{}", flush=True)
            elif command == "quit":
                break


if __name__ == "__main__":
    main()
