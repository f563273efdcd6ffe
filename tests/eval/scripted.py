"""A scripted model that plays both the agent and the judge, so eval tests need one server.

Stateless like every scripted policy: what to answer is read from the request alone.
"""

from __future__ import annotations

import json
import re
import time

from any_agent.eval.judge import JUDGE_INSTRUCTIONS
from any_agent.testing import ChatRequest, Reply, ScriptedToolCall, answer


def get_weather(city: str) -> str:
    """Get the current weather.

    Args:
        city: The city.
    """
    return f"{city}: 21 C, sunny"


def agent_and_judge(request: ChatRequest) -> Reply:
    """``weather in X`` calls get_weather(X) then answers from it; the judge checks the rubric's last word."""
    if request.system_prompt and JUDGE_INSTRUCTIONS in request.system_prompt:
        text = request.last_user_message
        answer_text = text.split("Answer:\n", 1)[1].split("\n\nRubric:\n", 1)[0]
        wanted = text.rsplit(None, 1)[-1].strip(".")
        found = wanted.lower() in answer_text.lower()
        reason = f"the answer {'mentions' if found else 'does not mention'} {wanted}"
        return Reply(content=json.dumps({"passed": found, "reason": reason}))
    prompt = request.last_user_message
    city = re.search(r"weather in (\w+)", prompt)
    if "forever" in prompt:  # never stops calling tools: max_turns ends it
        return Reply(tool_calls=[ScriptedToolCall(name="get_weather", arguments={"city": "Loop"})])
    if city and request.turn == 0:
        return Reply(tool_calls=[ScriptedToolCall(name="get_weather", arguments={"city": city.group(1)})])
    if city:
        return answer(request, "It is " + str(request.tool_results[-1].get("content")))
    if "as json" in prompt.lower():
        return Reply(content=json.dumps({"city": "Paris", "celsius": 21}))
    return answer(request, f"You said: {prompt}")


def hold(folder: str) -> str:
    """Stand still until told to go on: the Ray test kills the worker running this.

    Writes ``<pid>.pid`` in ``folder``, then waits (at most 60 s) for ``killed`` to appear there;
    once it exists, returns at once (the retried run).

    Args:
        folder: Where to write and look.
    """
    import os
    import pathlib

    where = pathlib.Path(folder)
    if (where / "killed").exists():
        return "resumed after a worker died"
    (where / f"{os.getpid()}.pid").write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (where / "killed").exists():
        time.sleep(0.05)
    return "not killed"


def ray_agent_and_judge(request: ChatRequest) -> Reply:
    """`agent_and_judge`, plus ``hold <folder>`` calls `hold` once."""
    folder = re.search(r"hold (\S+)", request.last_user_message)
    if folder and request.turn == 0:
        return Reply(tool_calls=[ScriptedToolCall(name="hold", arguments={"folder": folder.group(1)})])
    if folder:
        return answer(request, str(request.tool_results[-1].get("content")))
    return agent_and_judge(request)
