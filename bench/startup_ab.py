"""Start-up of two or more environments interleaved: import time and `any-agent --help`, before and after.

    python bench/startup_ab.py REPS LABEL=VENV [LABEL=VENV ...]
    python bench/startup_ab.py 15 main=/work/main/.venv branch=.venv

Each command runs in a fresh process, once first (warm bytecode), then REPS times in rotating order
with every environment's commands in the same loop, so all share one load. Prints median [IQR] in ms:
the import measured inside the process and the whole process's wall time. Not part of the tests.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

INNER = "import time; t = time.perf_counter_ns(); {statement}; print(time.perf_counter_ns() - t)"
IMPORTS = {
    "import any_agent": "import any_agent",
    "from any_agent import Agent, AgentConfig": "from any_agent import Agent, AgentConfig",
    "import pydantic, opentelemetry.sdk.trace": "import pydantic, opentelemetry.sdk.trace",
    "import typer, typer.rich_utils": "import typer, typer.rich_utils",
}


def cases(label: str, venv: Path) -> dict[str, list[str]]:
    python, cli = str(venv / "bin" / "python"), str(venv / "bin" / "any-agent")
    out = {f"{label}: {name}": [python, "-c", INNER.format(statement=code)] for name, code in IMPORTS.items()}
    out[f"{label}: any-agent --help"] = [cli, "--help"]
    return out


def _quartiles(values: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return f"{median:6.0f} [{q1:.0f}-{q3:.0f}]"


def main() -> None:
    reps, envs = int(sys.argv[1]), [arg.split("=", 1) for arg in sys.argv[2:]]
    commands: dict[str, list[str]] = {}
    for label, venv in envs:
        commands |= cases(label, Path(venv).absolute())
    for argv in commands.values():
        subprocess.run(argv, capture_output=True, check=True)
    wall: dict[str, list[float]] = {name: [] for name in commands}
    inside: dict[str, list[float]] = {name: [] for name in commands if "--help" not in name}
    names = list(commands)
    for repetition in range(reps):
        shift = repetition % len(names)
        for name in names[shift:] + names[:shift]:
            begin = time.perf_counter_ns()
            out = subprocess.run(commands[name], capture_output=True, text=True, check=True).stdout
            wall[name].append((time.perf_counter_ns() - begin) / 1e6)
            if name in inside:
                inside[name].append(int(out.strip()) / 1e6)
    for name in names:
        in_process = f"  in-process {_quartiles(inside[name])}" if name in inside else ""
        print(f"{name:58} whole process {_quartiles(wall[name])}{in_process}")


if __name__ == "__main__":
    main()
