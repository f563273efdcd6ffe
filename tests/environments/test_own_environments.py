"""Adapters with an environment of their own (`any_agent.environments`): their tests, run there, from here.

`uv run pytest` in the main environment runs the ADK adapter's conformance suite and its own tests
in ``adapters/adk/.venv`` as a subprocess, so the README's one test command covers every adapter.
Where that environment is not installed the test is skipped, saying which command installs it;
CI sets ``ANY_AGENT_REQUIRE_ENVIRONMENTS=1``, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from any_agent.environments import OWN_ENVIRONMENT, environment_python, project_root, sync_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("framework", sorted(OWN_ENVIRONMENT))
def test_the_adapter_passes_its_tests_in_its_own_environment(framework: str) -> None:
    project = OWN_ENVIRONMENT[framework]
    python = environment_python(framework)
    if python is None:
        if Path(sys.prefix).resolve() == (ROOT / project / ".venv").resolve():
            pytest.skip("this is that environment: its tests run here directly")
        message = f"{framework}'s environment is not installed: run `{sync_command(framework)}`"
        if os.environ.get("ANY_AGENT_REQUIRE_ENVIRONMENTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    assert project_root() == ROOT
    command = [str(python), "-m", "pytest", project, "-q", "-p", "no:cacheprovider", "--timeout", "300"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1700, check=False)
    summary = done.stdout.strip().splitlines()[-1:] or ["no output"]
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert " passed" in summary[0] and "failed" not in summary[0], summary
