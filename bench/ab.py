"""Interleaved A/B of a few worker variants, for checking a proposed fix before proposing it.

    python bench/ab.py RUNS [LABEL=VARIANT ...]

Default: the core alone (``ours-tiny``) against the floor, the no-op tracer and the bench-only
patch of the proposed fixes (``+cached``), and the same for the OpenAI Agents adapter. Ratios are
of medians with a 95% bootstrap interval; raw times go to bench/results/<date>-ab[-N].json. A label
``X@Y`` is also compared with ``X``: e.g. ``openai@native=native-openai``, or, with
``X@base=ours-<fw>+baseline`` and ``BENCH_BASELINE`` set to a checkout of the old code (a git
worktree of HEAD), a change against the code before it.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import run

DEFAULT = {
    "floor": "floor",
    "tiny": "ours-tiny",
    "tiny+fixes": "ours-tiny+cached",
    "tiny+noop": "ours-tiny+noop",
    "openai": "ours-openai",
    "openai+fixes": "ours-openai+cached",
}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    labels = dict(arg.split("=", 1) for arg in sys.argv[2:]) or DEFAULT
    run.LOGS.mkdir(exist_ok=True)
    python = Path(sys.executable)
    server = run.Server()
    workers = {label: run.Worker(run.Variant(label, v, python, "ab"), server.base_url) for label, v in labels.items()}
    try:
        for worker in workers.values():
            problem = run.verify(worker, server)
            if problem:
                raise SystemExit(f"{worker.variant.label}: {problem}")
            for scenario in run.SCENARIOS:
                worker.ask(cmd="run", scenario=scenario, n=5)
        ns: dict[str, dict[str, list[int]]] = {label: {s: [] for s in run.SCENARIOS} for label in workers}
        keys = list(workers)
        for repetition in range(runs):
            shift = repetition % len(keys)
            for label in keys[shift:] + keys[:shift]:
                for scenario in run.SCENARIOS:
                    ns[label][scenario] += workers[label].ask(cmd="run", scenario=scenario, n=1)["ns"]
            server.ask("reset")
    finally:
        for worker in workers.values():
            worker.close()
        server.close()
    baselines = [label for label in ("floor", "tiny", "openai") if label in ns]
    for scenario in run.SCENARIOS:
        for label in keys:
            cells = []
            for base in baselines:
                r = run.ratio(ns[label][scenario], ns[base][scenario])
                cells.append(f"/{base} {r['ratio']:.3f} [{r['low']:.3f}-{r['high']:.3f}]")
            print(
                f"{scenario:5} {label:14} {statistics.median(ns[label][scenario]) / 1e6:7.2f} ms  " + "  ".join(cells)
            )
    for scenario in run.SCENARIOS:  # LABEL against each LABEL@OTHER (@base: the code before a change)
        for other in keys:
            label = other.split("@", 1)[0]
            if other != label and label in ns:
                r = run.ratio(ns[label][scenario], ns[other][scenario])
                print(f"{scenario:5} {label:14} / {other:16} {r['ratio']:.3f} [{r['low']:.3f}-{r['high']:.3f}]")
    out = run.HERE / "results" / f"{dt.date.today().isoformat()}-ab.json"
    index = 1
    while out.exists():  # earlier results of the day are cited in docs/benchmarks.md: keep them
        index += 1
        out = out.with_name(f"{dt.date.today().isoformat()}-ab-{index}.json")
    print(f"raw times: {out}")
    out.write_text(json.dumps({"runs": runs, "variants": labels, "ns": ns}) + "\n")


if __name__ == "__main__":
    main()
