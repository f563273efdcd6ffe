"""Keeping CrewAI quiet unless asked: its console panels and its log records.

CrewAI prints panels ("LiteAgent Started"...) through one process-wide formatter whose ``verbose``
flag a ``Crew`` sets when it starts; an ``Agent.kickoff`` never sets it, so with CrewAI's default
(on) every kickoff prints, whatever the agent's own ``verbose`` says. Setting the flag for each run
would race between concurrent runs, so `quiet_crewai` runs once, at import: the formatter's flag is
then per context (each any-agent run sets its agent's ``verbose`` in its own context, which CrewAI's
event bus carries to its handlers), and outside runs the value CrewAI last set, off by default.

CrewAI's flows also log a failed step ("Error executing listener ...") at ERROR level; with no
logging configured, Python prints that to stderr. A `logging.NullHandler` on the ``crewai`` logger,
the standard library's advice for libraries, keeps those records for the user's own logging setup.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from crewai.events.event_listener import EventListener
from crewai.events.utils.console_formatter import ConsoleFormatter

__all__ = ["quiet_crewai", "run_verbosity"]

run_verbosity: contextvars.ContextVar[bool | None] = contextvars.ContextVar("any_agent_crewai_verbose", default=None)
"""The verbosity of the any-agent run in this context (None outside runs)."""


class _ContextVerbosity(ConsoleFormatter):
    """CrewAI's formatter with ``verbose`` read from the current run, else the process-wide value."""

    @property
    def verbose(self) -> bool:
        value = run_verbosity.get()
        return bool(self.__dict__.get("_shared_verbose", False)) if value is None else value

    @verbose.setter
    def verbose(self, value: Any) -> None:
        self.__dict__["_shared_verbose"] = bool(value)


def quiet_crewai() -> None:
    """Make CrewAI's console output follow each run's ``verbose`` (off by default); idempotent."""
    logger = logging.getLogger("crewai")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    formatter = EventListener().formatter
    if not isinstance(formatter, _ContextVerbosity):
        formatter.__dict__.pop("verbose", None)
        formatter.__class__ = _ContextVerbosity
        formatter.verbose = False
