"""Ctrl-C and ``compare --timeout`` end the command promptly, with the partial trace kept.

The tool blocks for a minute in a thread Python cannot stop; the commands must end long before
(hang checks with generous bounds, not timing assertions).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from any_agent.tracing import attributes as attr
from any_agent.tracing.trace import AgentTrace
from tests.cli.conftest import KEY_VARIABLES, write_agent

_TOOLS = '''
import pathlib
import time


def slow_lookup(city: str) -> str:
    """Look a city up, slowly.

    Args:
        city: The city.
    """
    pathlib.Path("started").touch()
    time.sleep(60)
    return city
'''

_AGENT = """
name: slow
model_id: openai:gpt-4.1-mini
tools:
  - slow_tools:slow_lookup
"""

_PLAN = {
    "prompt": "Find Paris.",
    "steps": [[{"tool": "slow_lookup", "arguments": {"city": "Paris"}}]],
    "final": "Done.",
}


def _command(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    (tmp_path / "slow_tools.py").write_text(_TOOLS, encoding="utf-8")
    agent = write_agent(tmp_path, _AGENT, _PLAN)
    env = {name: value for name, value in os.environ.items() if name not in KEY_VARIABLES}
    code = "import sys; from any_agent.cli import main; sys.argv[0] = 'any-agent'; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args[:1], str(agent), *args[1:]],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str], timeout: float) -> str:
    try:
        _, stderr = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return stderr


def test_ctrl_c_during_a_slow_tool_ends_run_and_writes_the_trace(tmp_path: Path) -> None:
    process = _command(tmp_path, "run", "--framework", "crewai", "-o", "trace.json")
    deadline = time.monotonic() + 120  # the framework's import, on a busy machine
    while not (tmp_path / "started").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stderr and process.stderr.read()
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    stderr = _finish(process, timeout=20)
    assert process.returncode == 130, stderr
    trace = AgentTrace.load(tmp_path / "trace.json")
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert [event.name for event in span.events] == [attr.THREAD_ABANDONED_EVENT]


def test_compare_timeout_ends_the_command_with_partial_traces(tmp_path: Path) -> None:
    process = _command(tmp_path, "compare", "--frameworks", "crewai", "--timeout", "5", "--json", "results.json")
    stderr = _finish(process, timeout=120)  # imports included; the tools alone would hold it 60 s
    assert process.returncode == 1, stderr
    cells = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["cells"]
    assert [cell["framework"] for cell in cells] == ["crewai"]
    for cell in cells:
        (run,) = cell["runs"]
        assert run["error"] == "timed out after 5 s"
        assert run["error_type"] == "TimeoutError"
        assert run["tool_calls"] == 1  # the partial trace holds the abandoned call
