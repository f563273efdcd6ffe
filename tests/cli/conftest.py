"""Fixtures of the CLI tests: no provider key in the environment, a runner, the examples."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from any_agent.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
KEY_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "MISTRAL_API_KEY", "GEMINI_API_KEY")

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def no_provider_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests see the machine a new user has: no provider key, so agent files run offline."""
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def invoke() -> Invoke:
    """Run ``any-agent`` in-process; the result has ``exit_code``, ``stdout``, ``stderr``, ``output``."""
    runner = CliRunner()

    def run(*args: str | Path, **kwargs: Any) -> Result:
        env = {"COLUMNS": "200", **kwargs.pop("env", {})}
        return runner.invoke(app, [str(arg) for arg in args], env=env, **kwargs)

    return run


def write_agent(folder: Path, config: str, plan: dict[str, Any] | None = None, *, stem: str = "agent") -> Path:
    """An agent file (YAML) in ``folder``, with its offline plan when given."""
    path = folder / f"{stem}.yaml"
    path.write_text(config, encoding="utf-8")
    if plan is not None:
        (folder / f"{stem}.offline.json").write_text(json.dumps(plan), encoding="utf-8")
    return path
