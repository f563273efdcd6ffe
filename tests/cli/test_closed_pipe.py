"""A closed pipe (``any-agent run … 2>&1 | head -4``) ends the command at once, with exit code 141.

The command runs as a real subprocess writing into a real pipe that the test closes, as ``head``
does. A tool waits until the pipe is closed, so the next progress line is sure to hit it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import KEY_VARIABLES, write_agent

TOOLS = '''
import os, pathlib, time

def wait_for_flag() -> str:
    """Wait until the test has closed the pipe."""
    flag = pathlib.Path(os.environ["FLAG"])
    for _ in range(600):
        if flag.exists():
            return "go on"
        time.sleep(0.05)
    return "no flag"

def leave_a_mark() -> str:
    """Show that the run went on."""
    pathlib.Path(os.environ["MARK"]).write_text("the run was not cancelled")
    return "marked"
'''


def test_a_closed_pipe_ends_the_run_quietly_with_141(tmp_path: Path) -> None:
    (tmp_path / "pipe_tools.py").write_text(TOOLS, encoding="utf-8")
    agent = write_agent(
        tmp_path,
        "name: piped\nmodel_id: openai:gpt-4.1-mini\ntools: [pipe_tools:wait_for_flag, pipe_tools:leave_a_mark]\n",
        {"steps": [[{"tool": "wait_for_flag"}], [{"tool": "leave_a_mark"}]], "final": "done"},
    )
    flag, mark = tmp_path / "flag", tmp_path / "mark"
    env = {key: value for key, value in os.environ.items() if key not in KEY_VARIABLES}
    env.update(FLAG=str(flag), MARK=str(mark))
    command = [str(Path(sys.executable).with_name("any-agent")), "run", str(agent), "Hi"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        assert process.stdout is not None
        seen = []
        while not any("model call 1" in line for line in seen):  # what `head -4` would have read
            line = process.stdout.readline().decode()
            assert line, f"the command ended early: {seen}"
            seen.append(line)
        process.stdout.close()
        flag.touch()
        code = process.wait(timeout=120)  # a bound, not a timing: before the fix it never returned
    finally:
        process.kill()
        process.wait()
    assert code == 141
    assert not mark.exists()  # the run was cancelled after the pipe closed: no further tool call
