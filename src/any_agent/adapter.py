"""`Adapter`: the one extension point for running agents on a framework.

An adapter translates an `AgentConfig` into its framework's objects, with a model bridge that calls
the core `ModelClient` and tool bridges that call the core `ToolSpec`s, runs it, and reads the
answer back. Tracing, retries, turn limits and error reporting stay in the core, which is why an
adapter is small and why traces agree across frameworks.

A third-party adapter is a class deriving from `Adapter`, registered under the ``any_agent.adapters``
entry-point group::

    [project.entry-points."any_agent.adapters"]
    myframework = "my_package:MyFrameworkAdapter"
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from any_agent._portal import run_blocking
from any_agent.config import AgentConfig
from any_agent.context import RunContext
from any_agent.model.client import ModelClient
from any_agent.tools.dispatch import Toolset
from any_agent.tools.spec import ToolSpec

__all__ = ["Adapter", "TraceDifference", "run_blocking"]

Steps = list[dict[str, Any]]


@dataclass(frozen=True)
class TraceDifference:
    """A declared, checked difference between a framework's normalized trace and the `tiny` adapter's.

    The conformance suite applies ``transform`` to the `tiny` trace of ``scenario`` and expects
    exactly the result; the adapter's docs page states ``reason``.
    """

    scenario: str
    reason: str
    transform: Callable[[Steps], Steps]


class Adapter(ABC):
    """Runs `AgentConfig`s on one framework."""

    framework: ClassVar[str]
    """The name users put in `AgentConfig.framework`."""

    trace_differences: ClassVar[Sequence[TraceDifference]] = ()
    """Where this framework's normalized traces cannot match the `tiny` adapter's, and why."""

    def __init__(self, config: AgentConfig, model: ModelClient, tools: Sequence[ToolSpec]) -> None:
        """Build the framework's objects; raise `ConfigError` for config the framework cannot take."""
        self.config = config
        self.model = model
        self.tools = list(tools)

    @functools.cached_property
    def toolset(self) -> Toolset:
        """The agent's tools as the core dispatches them: every tool bridge calls `Toolset.dispatch`.

        Built from ``self.tools`` on first use, so an adapter that adds tools does so in ``__init__``.
        """
        return Toolset(self.tools)

    @abstractmethod
    async def run(self, run: RunContext) -> Any:
        """Run the agent on ``run.input_messages`` and return the final answer.

        Return text, or for a config with ``output_type`` an instance of it (or its JSON). Model calls
        must go through ``self.model`` and tool calls through ``self.toolset``, passing ``run``. Let
        exceptions propagate: the core turns them into `AgentRunError` with the partial trace.
        """

    @property
    def native(self) -> Any:
        """The framework's own agent object, for advanced use (None if there is no single one)."""
        return None

    def describe_error(self, error: BaseException) -> str:
        """A message a user can act on for an exception the framework raised during a run."""
        return f"{self.framework} failed during the run: {type(error).__name__}: {error}"
