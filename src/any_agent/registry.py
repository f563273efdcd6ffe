"""Finding adapters through the ``any_agent.adapters`` entry-point group.

Discovery never crashes the host: an adapter whose framework is missing or broken is remembered with
the reason, and only reported when a user asks for that framework.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import entry_points

from any_agent.adapter import Adapter
from any_agent.environments import OWN_ENVIRONMENT, environment_python, run_command, sync_command
from any_agent.errors import AdapterNotFoundError

__all__ = ["ENTRY_POINT_GROUP", "available_frameworks", "install_hint", "installed_frameworks", "load_adapter"]

ENTRY_POINT_GROUP = "any_agent.adapters"
logger = logging.getLogger(__name__)

_FIRST_PARTY = {
    "crewai": "crewai",
    "langgraph": "langgraph",
    "ag2": "ag2",
    "openai": "openai",
    "pydantic_ai": "pydantic-ai",
    "smolagents": "smolagents",
    "llama_index": "llama-index",
    "adk": "adk",
}
"""This project's adapters: framework name -> the extra that installs it."""


def install_hint(extra: str) -> str:
    """How to install one of this project's extras.

    Never ``pip install any-agent``: the registry's ``any-agent`` is a different project (mozilla-ai's),
    so the command names the clone or its wheels.
    """
    if extra in OWN_ENVIRONMENT:  # it cannot share the main environment (any_agent.environments)
        if environment_python(extra) is not None:  # installed already, in its own environment: run it there
            return (
                f"it is installed in its own environment: run it there, `{run_command(extra)} ...` "
                "(`any-agent compare` and `uv run pytest` do so themselves; see docs/install.md)"
            )
        return f"{sync_command(extra)} in a clone of this project: its own environment (see docs/install.md)"
    return f"uv sync --extra {extra} in a clone of this project, or install its built wheels (see docs/install.md)"


def installed_frameworks() -> list[str]:
    """Names of every registered adapter, loadable or not."""
    return sorted({entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)})


def available_frameworks() -> list[str]:
    """Names of the adapters that load."""
    names = []
    for name in installed_frameworks():
        try:
            load_adapter(name)
        except AdapterNotFoundError:
            continue
        names.append(name)
    return names


@cache
def load_adapter(framework: str) -> type[Adapter]:
    """The adapter class for ``framework``; `AdapterNotFoundError` says how to get it otherwise."""
    matches = [entry for entry in entry_points(group=ENTRY_POINT_GROUP) if entry.name == framework]
    if not matches:
        hint = (
            f" Install it: {install_hint(_FIRST_PARTY[framework])}."
            if framework in _FIRST_PARTY
            else " A third-party adapter registers itself in the 'any_agent.adapters' entry-point group."
        )
        raise AdapterNotFoundError(
            f"no adapter for framework {framework!r} is installed. Installed: "
            f"{', '.join(installed_frameworks()) or 'none'}.{hint}",
            field="framework",
        )
    entry = matches[0]
    try:
        adapter = entry.load()
    except Exception as error:  # a broken framework install must not take the host down
        logger.debug("adapter %s failed to load", framework, exc_info=True)
        raise AdapterNotFoundError(
            f"the {framework!r} adapter is installed but failed to load ({type(error).__name__}: {error}). "
            "Reinstall it and its framework"
            + (f": {install_hint(_FIRST_PARTY[framework])}" if framework in _FIRST_PARTY else ""),
            field="framework",
        ) from None
    if not (isinstance(adapter, type) and issubclass(adapter, Adapter)):
        raise AdapterNotFoundError(
            f"entry point {entry.value!r} for {framework!r} is not an any_agent.Adapter subclass", field="framework"
        )
    return adapter
