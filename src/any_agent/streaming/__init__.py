"""Streamed runs: the same live events from every framework (see docs/streaming.md)."""

from any_agent.streaming.events import (
    ModelResponseEvent,
    RunEvent,
    RunFailed,
    RunFinished,
    TextDeltaEvent,
    ToolCallEvent,
    ToolResultEvent,
    event_data,
)
from any_agent.streaming.sink import RunCancelled

__all__ = [
    "ModelResponseEvent",
    "RunCancelled",
    "RunEvent",
    "RunFailed",
    "RunFinished",
    "TextDeltaEvent",
    "ToolCallEvent",
    "ToolResultEvent",
    "event_data",
]
