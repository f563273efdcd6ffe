"""Profile one variant's runs with pyinstrument: ``python bench/profiling.py VARIANT [SCENARIO] [RUNS]``.

Starts the benchmark's server, builds the variant as `worker.py` does, warms it up, then profiles
RUNS runs and prints the call tree (pyinstrument is installed into bench/.venvs/tools by run.py).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.append(str(HERE / ".venvs" / "tools"))

import worker  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from scenarios import SCENARIOS  # noqa: E402


async def main(variant: str, scenario: str, runs: int) -> None:
    server = subprocess.Popen(  # noqa: ASYNC220 (started once, before anything is measured)
        [sys.executable, str(HERE / "server.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        base_url = json.loads(server.stdout.readline())["base_url"]
        run = (await worker.build(variant, base_url)).run
        prompt = SCENARIOS[scenario]["prompt"]
        for _ in range(5):
            await run(prompt)
        if "--cprofile" in sys.argv:  # deterministic: call counts and cumulative times per function
            import cProfile
            import pstats

            cprofiler = cProfile.Profile()
            cprofiler.enable()
            for _ in range(runs):
                await run(prompt)
            cprofiler.disable()
            stats = pstats.Stats(cprofiler).sort_stats("tottime" if "--tottime" in sys.argv else "cumulative")
            stats.print_stats(
                *(
                    sys.argv[sys.argv.index("--filter") + 1 : sys.argv.index("--filter") + 2]
                    if "--filter" in sys.argv
                    else [r"any_agent|any_llm|genai_prices|opentelemetry"]
                ),
                60,
            )
            return
        profiler = Profiler(interval=0.001, async_mode="enabled")
        with profiler:
            for _ in range(runs):
                await run(prompt)
        if "--by-package" in sys.argv:
            print_by_package(profiler, runs)
        else:
            print(profiler.output_text(unicode=False, color=False, show_all="--all" in sys.argv, timeline=False))
    finally:
        server.kill()


def _package(path: str) -> str:
    marker = "site-packages/"
    if marker in path:
        return path.split(marker, 1)[1].split("/", 1)[0]
    if "/src/any_agent/" in path:
        return "any_agent/" + path.split("/src/any_agent/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/adapters/" in path:
        return path.split("/src/", 1)[-1].split("/", 1)[0]
    if "python3.11/" in path:
        return "stdlib:" + path.split("python3.11/", 1)[1].split("/", 1)[0].removesuffix(".py")
    return path.rsplit("/", 1)[-1]


def print_by_package(profiler: Profiler, runs: int) -> None:
    """Self time per package and per any-agent function (ms per run), to compare variants."""
    packages: dict[str, float] = {}
    functions: dict[str, float] = {}
    session = profiler.last_session
    root = session.root_frame() if session else None
    stack = [(root, None)] if root else []
    while stack:
        frame, parent = stack.pop()
        stack.extend((child, frame) for child in frame.children)
        if frame.function not in ("[self]", "[await]"):
            continue
        owner = parent if parent is not None else frame
        name = "(waiting: await)" if frame.function == "[await]" else _package(owner.file_path or "?")
        packages[name] = packages.get(name, 0.0) + frame.time
        if frame.function == "[self]" and owner.file_path and "any_agent" in owner.file_path:
            key = f"{owner.function} {owner.file_path.split('/src/')[-1]}:{owner.line_no}"
            functions[key] = functions.get(key, 0.0) + frame.time
    print(f"total {sum(packages.values()) / runs * 1000:.3f} ms/run under the profiler")
    for name, value in sorted(packages.items(), key=lambda item: -item[1])[:30]:
        print(f"{value / runs * 1000:8.3f} ms/run  {name}")
    print("-- own time in any-agent functions (ms/run)")
    for name, value in sorted(functions.items(), key=lambda item: -item[1])[:25]:
        print(f"{value / runs * 1000:8.3f}  {name}")


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(args[0], args[1] if len(args) > 1 else "short", int(args[2]) if len(args) > 2 else 50))
