"""Which run a bridge call belongs to.

One compiled graph serves every run of an agent, concurrently, so the bridges cannot hold a run.
Each invocation carries its `RunBinding` in ``config["configurable"]``, which LangGraph hands to every
node and tool, async or sync, in whichever thread or task it runs them.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import ensure_config

from any_agent.context import RunContext, current_run

__all__ = ["CONFIG_KEY", "RunBinding", "binding"]

CONFIG_KEY = "any_agent"


@dataclass
class RunBinding:
    """The state one graph invocation shares between its model bridge and its tool bridges."""

    run: RunContext | None


def binding(config: RunnableConfig | None = None) -> RunBinding:
    """The invocation's binding; outside an any-agent run, one for the current run (if any)."""
    found = (ensure_config(config).get("configurable") or {}).get(CONFIG_KEY)
    return found if isinstance(found, RunBinding) else RunBinding(current_run())
