"""``compare`` cells of frameworks that run in an environment of their own (`any_agent.environments`).

A framework that is not installed here but has its own environment (``adk`` in ``adapters/adk/.venv``) is
compared by the same command run there, as a subprocess with ``--json -``; its cells, traces
included, join the others in one table, one JSON document and one report. Where that environment
is missing, the cell fails saying which command installs it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from any_agent.cli.compare import CellResult, Comparison
from any_agent.config import AgentConfig
from any_agent.environments import OWN_ENVIRONMENT, environment_python, sync_command
from any_agent.model.route import ModelRoute
from any_agent.redaction import redact_text
from any_agent.registry import installed_frameworks

__all__ = ["Elsewhere", "default_frameworks", "run_elsewhere", "run_secrets", "split_frameworks"]

_STARTUP_SECONDS = 120.0
"""What starting the other environment's process and importing its framework may take, on top of the runs."""

_RUN_SECONDS = 900.0
"""Each run's bound when ``--timeout`` does not set one: the subprocess is never waited for without end."""

_GRACE_SECONDS = 10.0
"""How long a child asked to stop (timeout, Ctrl-C) may take its clean-up before it is killed."""


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
    secrets: Sequence[str] = ()
    """The run's API keys, masked in what the subprocess says."""


def default_frameworks() -> list[str]:
    """Every framework installed here, and those installed in their own environment."""
    here = installed_frameworks()
    return [*here, *(name for name in OWN_ENVIRONMENT if name not in here and environment_python(name) is not None)]


def split_frameworks(frameworks: Sequence[str]) -> tuple[list[str], dict[str, Path]]:
    """The frameworks to run here, and those to run in their own environment (with its Python)."""
    here = set(installed_frameworks())
    local: list[str] = []
    elsewhere: dict[str, Path] = {}
    for framework in (name.strip().lower() for name in frameworks):
        python = environment_python(framework) if framework not in here else None
        if python is None:
            local.append(framework)  # a framework installed nowhere fails here, saying how to install it
        else:
            elsewhere[framework] = python
    return local, elsewhere


def run_secrets(config: AgentConfig, models: Sequence[str]) -> list[str]:
    """The API keys the compared models may use (given, or in their providers' variables)."""
    routes = [(model, config.api_base, config.api_key) for model in models]
    routes += [(fallback.model_id, fallback.api_base, fallback.api_key) for fallback in config.fallback_model_ids]
    secrets: list[str] = []
    for model, api_base, api_key in routes:
        with contextlib.suppress(Exception):  # a bad model id fails its own cell, saying so
            secrets += ModelRoute(model, api_base=api_base, api_key=api_key).secrets()
    return secrets


def run_elsewhere(python: Path, frameworks: Sequence[str], models: Sequence[str], ask: Elsewhere) -> list[CellResult]:
    """The cells of ``frameworks``, run by ``any-agent compare`` in ``python``'s environment.

    ``models`` are this command's cell labels: on the scripted model both processes run their own
    server, and the cells are labelled as here.
    """
    command = [str(python.parent / "any-agent"), "compare", "--frameworks", ",".join(frameworks)]
    command += ["--repeat", str(ask.repeat), "--concurrency", str(ask.concurrency), "--json", "-"]
    if ask.timeout is not None:
        command += ["--timeout", str(ask.timeout)]
    command += ["--offline"] if ask.offline else ["--models", ",".join(models)]
    command += ["--", str(ask.path), ask.prompt]  # a prompt may start with "-"
    runs = len(frameworks) * len(models) * ask.repeat
    bound = _STARTUP_SECONDS + (ask.timeout if ask.timeout is not None else _RUN_SECONDS) * runs
    environment = python.parent.parent
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "PYTHONUTF8": "1"},
        )
    except OSError as error:
        return _failed(frameworks, models, f"its environment ({environment}) could not start: {error}")
    try:
        stdout, stderr = process.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        _stop(process)
        reason = f"its environment ({environment}) did not answer within {bound:.0f} s (--timeout bounds each run)"
        return _failed(frameworks, models, reason)
    except BaseException:  # Ctrl-C: the child's own clean-up runs before this command stops
        _stop(process)
        raise
    try:
        cells = Comparison.model_validate_json(stdout).cells
    except ValueError:
        last = _last_line(stderr, ask, frameworks)
        return _failed(frameworks, models, f"its environment ({environment}) failed: {last}")
    if ask.offline:
        for cell in cells:
            cell.model = models[0]
    return cells


def _last_line(stderr: str, ask: Elsewhere, frameworks: Sequence[str]) -> str:
    """The child's last word, keys masked, and what to do when its environment lacks a module."""
    last = redact_text((stderr.strip().splitlines() or ["no output"])[-1], ask.secrets)
    if last.startswith(("ModuleNotFoundError", "ImportError")):
        sync = " / ".join(dict.fromkeys(f"`{sync_command(framework)}`" for framework in frameworks))
        last += f"; re-run {sync} (and install the agent's tools' own dependencies there)"
    return last


def _stop(process: subprocess.Popen[str]) -> None:
    """Ask the child to stop as Ctrl-C would (its clean-up runs), then end it if it does not, in bounded time."""
    if process.poll() is None:
        with contextlib.suppress(OSError):
            if sys.platform == "win32":
                process.terminate()
            else:
                process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
    with contextlib.suppress(Exception):
        process.communicate(timeout=_GRACE_SECONDS)


def _failed(frameworks: Sequence[str], models: Sequence[str], reason: str) -> list[CellResult]:
    return [CellResult(framework=framework, model=model, error=reason) for framework in frameworks for model in models]
