"""any-agent on AG2 1.x: run any `AgentConfig` as an ``ag2.Agent`` (``framework="ag2"``)."""

from any_agent_ag2.adapter import AG2Adapter

__all__ = ["AG2Adapter"]
