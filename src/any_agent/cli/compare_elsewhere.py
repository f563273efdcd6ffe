"""``compare`` cells of frameworks that run in an environment of their own (`any_agent.environments`).

A framework that is not installed here but has its own environment (``adk`` in ``.venv-adk``) is
compared by the same command run there, as a subprocess with ``--json -``; its cells, traces
included, join the others in one table, one JSON document and one report. Where that environment
is missing, the cell fails saying which command installs it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from any_agent.cli.compare import CellResult, Comparison
from any_agent.environments import OWN_ENVIRONMENT, environment_python
from any_agent.registry import installed_frameworks

__all__ = ["Elsewhere", "default_frameworks", "run_elsewhere", "split_frameworks"]

_STARTUP_SECONDS = 120.0
"""What starting the other environment's process and importing its framework may take, on top of the runs."""


@dataclass(frozen=True)
class Elsewhere:
    """What the subprocess is asked to run, as this command was asked."""

    path: Path
    prompt: str
    models: Sequence[str]
    repeat: int
    concurrency: int
    timeout: float | None
    offline: bool


def default_frameworks() -> list[str]:
    """Every framework installed here, and those installed in their own environment."""
    here = installed_frameworks()
    return [*here, *(name for name in OWN_ENVIRONMENT if name not in here and environment_python(name) is not None)]


def split_frameworks(frameworks: Sequence[str]) -> tuple[list[str], dict[str, Path]]:
    """The frameworks to run here, and those to run in their own environment (with its Python)."""
    here = set(installed_frameworks())
    local: list[str] = []
    elsewhere: dict[str, Path] = {}
    for framework in frameworks:
        python = environment_python(framework) if framework not in here else None
        if python is None:
            local.append(framework)  # a framework installed nowhere fails here, saying how to install it
        else:
            elsewhere[framework] = python
    return local, elsewhere


def run_elsewhere(python: Path, frameworks: Sequence[str], models: Sequence[str], ask: Elsewhere) -> list[CellResult]:
    """The cells of ``frameworks``, run by ``any-agent compare`` in ``python``'s environment.

    ``models`` are this command's cell labels: on the scripted model both processes run their own
    server, and the cells are labelled as here.
    """
    command = [
        str(python.parent / "any-agent"),
        "compare",
        str(ask.path),
        ask.prompt,
        "--frameworks",
        ",".join(frameworks),
    ]
    command += ["--repeat", str(ask.repeat), "--concurrency", str(ask.concurrency), "--json", "-"]
    if ask.timeout is not None:
        command += ["--timeout", str(ask.timeout)]
    command += ["--offline"] if ask.offline else ["--models", ",".join(models)]
    runs = len(frameworks) * len(models) * ask.repeat
    bound = None if ask.timeout is None else _STARTUP_SECONDS + ask.timeout * runs
    environment = python.parent.parent
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=bound, check=False)
    except subprocess.TimeoutExpired:
        return _failed(frameworks, models, f"its environment ({environment}) did not answer within {bound:.0f} s")
    except OSError as error:
        return _failed(frameworks, models, f"its environment ({environment}) could not start: {error}")
    try:
        cells = Comparison.model_validate_json(done.stdout).cells
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return _failed(frameworks, models, f"its environment ({environment}) failed: {last}")
    if ask.offline:
        for cell in cells:
            cell.model = models[0]
    return cells


def _failed(frameworks: Sequence[str], models: Sequence[str], reason: str) -> list[CellResult]:
    return [CellResult(framework=framework, model=model, error=reason) for framework in frameworks for model in models]
