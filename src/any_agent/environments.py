"""Frameworks whose newest release cannot share the main environment, and where theirs is.

google-adk 2.13 requires opentelemetry-api/sdk <=1.44 and CrewAI 1.15 requires >=1.45.1. uv's
``[tool.uv] conflicts`` cannot express it in this workspace (uv 0.13.9: any declared conflict
makes the lock fail in its Python >= 3.15 fork, ignoring CrewAI's ``python_version < '3.14'``
marker), so ``adapters/adk`` is a uv project of its own, outside the workspace, with its own
``uv.lock`` and environment (``adapters/adk/.venv``). Commands that span frameworks (``compare``,
the test suite) find that environment in a clone and run those frameworks in it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "OWN_ENVIRONMENT",
    "environment_python",
    "project_root",
    "run_command",
    "sync_command",
]

OWN_ENVIRONMENT = {"adk": "adapters/adk"}
"""Framework -> its uv project, relative to a clone's root."""

ENVIRONMENT_VARIABLE = "ANY_AGENT_CLONE"
"""The clone whose framework environments to use, when any-agent is not installed from one."""


def project_root() -> Path | None:
    """The clone any-agent runs from (installed editable, as ``uv sync`` does), or `ENVIRONMENT_VARIABLE`'s."""
    given = os.environ.get(ENVIRONMENT_VARIABLE)
    root = Path(given) if given else Path(__file__).resolve().parents[2]
    return root if (root / "adapters").is_dir() else None


def sync_command(framework: str) -> str:
    """The command, run in a clone of this project, that installs ``framework``'s own environment."""
    return f"uv sync --project {OWN_ENVIRONMENT[framework]}"


def run_command(framework: str) -> str:
    """The start of a command, run in a clone of this project, that runs in ``framework``'s own environment."""
    return f"uv run --project {OWN_ENVIRONMENT[framework]}"


def environment_python(framework: str) -> Path | None:
    """The Python of ``framework``'s own environment, if it is installed and not the running one."""
    project = OWN_ENVIRONMENT.get(framework)
    root = project_root()
    if project is None or root is None:
        return None
    python = root / project / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists() or Path(sys.prefix).resolve() == python.parent.parent.resolve():
        return None
    return python
