"""A scripted, OpenAI-compatible model server for offline runs, CI and reproducing failures.

``ScriptedLLM(handler)`` serves real HTTP on ``127.0.0.1``; ``handler`` decides every answer
(`plan`, `echo`, `json_answer`, or your own function), and `Fault` makes the endpoint fail the way
providers do. See ``docs/scripted-llm.md``.
"""

from any_agent.testing.faults import Fault
from any_agent.testing.network import NetworkBlocked, network_guard
from any_agent.testing.policies import Handler, Step, answer, echo, json_answer, plan, plan_from_json
from any_agent.testing.schema import example_for
from any_agent.testing.server import ScriptedLLM
from any_agent.testing.streams import StreamEnd, StreamRecord
from any_agent.testing.types import ChatRequest, Reply, ScriptedToolCall, Usage

__all__ = [
    "ChatRequest",
    "Fault",
    "Handler",
    "NetworkBlocked",
    "Reply",
    "ScriptedLLM",
    "ScriptedToolCall",
    "Step",
    "StreamEnd",
    "StreamRecord",
    "Usage",
    "answer",
    "echo",
    "example_for",
    "json_answer",
    "network_guard",
    "plan",
    "plan_from_json",
]
