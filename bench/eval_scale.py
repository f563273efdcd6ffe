"""Evaluation at scale, in-process vs Ray local: ``python bench/eval_scale.py [CASES] [FRAMEWORK ...]``.

200 cases (default) x 2 frameworks (default tiny, langgraph), one tool call each, on the scripted
model; each executor runs in a fresh process of its own (so imports and Ray's start count where a
user would pay them) while this one samples the process tree's resident memory every 0.1 s. Prints
a Markdown table with the wall time of the whole evaluation, its ratio to in-process, and the peak
memory of the tree (driver, Ray's raylet and GCS and its workers). Needs the ray extra.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

CHILD = r"""
import json, os, sys, time
os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
sys.path.insert(0, os.path.join({root!r}, "bench"))
from any_agent import AgentConfig
from any_agent.eval import evaluate
from any_agent.testing import ScriptedLLM
from eval_scale_tools import lookup, scripted
cases = [{{"input": f"look up item {{n}}", "checks": [{{"contains": f"item {{n}}"}}, {{"tool_called": "lookup"}}]}}
         for n in range({cases})]
started = time.perf_counter()
with ScriptedLLM(scripted) as llm:
    config = AgentConfig(model_id=llm.model_id, api_base=llm.base_url, tools=[lookup], max_retries=0)
    results = evaluate(config, cases, frameworks={frameworks!r}, executor={executor!r}, concurrency=4)
print(json.dumps({{"wall": time.perf_counter() - started, "passed": sum(r.passed for r in results.runs),
                  "runs": len(results.runs)}}))
"""


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(executor: str, cases: int, frameworks: list[str]) -> dict[str, float]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = CHILD.format(root=root, cases=cases, frameworks=frameworks, executor=executor)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss(child.pid))
        time.sleep(0.1)
    out = child.stdout.read().decode() if child.stdout else ""
    result = json.loads(out.strip().splitlines()[-1])
    return {**result, "peak_mib": peak / 2**20}


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    frameworks = sys.argv[2:] or ["tiny", "langgraph"]
    rows = {executor: measure(executor, cases, frameworks) for executor in ("inprocess", "ray")}
    base = rows["inprocess"]["wall"]
    print(f"{cases} cases x {', '.join(frameworks)} ({cases * len(frameworks)} runs), concurrency 4\n")
    print("| executor | runs passed | wall s | vs in-process | peak memory (MiB) |")
    print("| --- | --- | --- | --- | --- |")
    for executor, row in rows.items():
        print(
            f"| {executor} | {row['passed']}/{row['runs']} | {row['wall']:.1f} | {row['wall'] / base:.2f}x "
            f"| {row['peak_mib']:.0f} |"
        )
    print(f"\nload average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
