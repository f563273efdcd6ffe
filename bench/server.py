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

from any_agent.testing import ChatRequest, Reply, ScriptedLLM, plan

# The server sets TCP_NODELAY on its connections itself (`httpd._RequestHandler`): without it
# every request waited ~40 ms for the client's delayed ACK, which would swamp every variant's cost.

_PLANS = {name: plan(s["steps"], final=s["final"]) for name, s in SCENARIOS.items()}


def handler(request: ChatRequest) -> Reply:
    return _PLANS[scenario_for(request.last_user_message or "")](request)  # type: ignore[return-value]


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
