"""Streamed runs: any-agent's streaming against each framework's own, on the same scripted server.

    uv run python bench/streaming.py            # 30 timed runs per variant and scenario after 5 warm-ups
    uv run python bench/streaming.py --quick    # a smoke run (8 runs, 2 warm-ups)

For every framework, two variants in processes of their own (`worker.py`, driven as `run.py` drives
it): ``native <fw>`` streams with the framework's own API (OpenAI Agents SDK ``Runner.run_streamed``,
LangGraph ``astream(stream_mode="messages")``, CrewAI ``Crew(stream=True)``, AG2 a streaming
``OpenAIConfig`` and a ``ModelMessageChunk`` subscriber), ``any-agent <fw>`` with ``Agent.stream_async``.
Both are timed to the first piece of answer text (the answer comes after the tool turns, so this is
what a user waits for before text appears) and to the end of the run, interleaved, and each also runs
unstreamed, so the price of streaming itself is measured in the same run. Before timing, each
variant must stream the expected answer, in several pieces, from exactly the expected model calls,
all of them streamed by the server.

Results: bench/results/<date>-streaming.json and the tables in docs/benchmarks.md (between the
streaming markers; a run with fewer runs or frameworks writes bench/.logs/ only). Not part of the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run
from run import FRAMEWORKS, SCENARIOS, Server, Variant, Worker, _cell, _ratio_cell, log, ratio, summary

MEASURES = {"first_text": "first text", "stream": "streamed run", "run": "unstreamed run"}


def variants(frameworks: list[str], envs: run.Environments) -> list[Variant]:
    python = Path(sys.executable)
    out = [Variant("any-agent tiny", "ours-tiny", python, "ours", "tiny")]
    for fw in frameworks:
        native_python = envs.ag2 if fw == "ag2" and envs.ag2 else python
        out.append(Variant(f"native {fw}", f"native-{fw}", native_python, "native", fw))
        out.append(Variant(f"any-agent {fw}", f"ours-{fw}", python, "ours", fw))
    return out


def verify(worker: Worker, server: Server) -> str | None:
    """One streamed run per scenario: the answer, streamed in pieces, from the expected streamed model calls."""
    for name, scenario in SCENARIOS.items():
        server.ask("reset")
        answer = worker.ask(cmd="stream", scenario=name, n=1)
        seen = server.ask("count")
        if answer["answers"] != [scenario["final"]]:
            return f"{name}: answered {answer['answers']!r}, expected {scenario['final']!r}"
        if answer["texts"] != [scenario["final"]]:
            return f"{name}: streamed the text {answer['texts']!r}, expected {scenario['final']!r}"
        if answer["deltas"][0] < 2:
            return f"{name}: the answer came in {answer['deltas'][0]} piece(s): not streamed"
        if seen["requests"] != scenario["model_calls"]:
            return f"{name}: {seen['requests']} model calls, expected {scenario['model_calls']}"
        if not all(seen["streamed"]):
            return f"{name}: model calls streamed {seen['streamed']}: the provider was not streamed"
    return None


def measure(args: argparse.Namespace, server: Server, envs: run.Environments) -> dict[str, Any]:
    workers: dict[str, Worker] = {}
    results: dict[str, Any] = {}
    for variant in variants(args.frameworks, envs):
        worker = run.start_worker(variant, server, verify, results)  # a variant that cannot stream is excluded
        if worker is None:
            continue
        for name in SCENARIOS:
            worker.ask(cmd="stream", scenario=name, n=args.warmup)
            worker.ask(cmd="run", scenario=name, n=args.warmup)
        workers[variant.label] = worker
        results[variant.label] = {
            "group": variant.group,
            "framework": variant.framework,
            "worker": variant.worker,
            "python": str(variant.python),
            "ns": {measure: {name: [] for name in SCENARIOS} for measure in MEASURES},
        }
    labels = list(workers)
    log(f"timing {len(labels)} variants x {len(SCENARIOS)} scenarios x {args.runs} runs, interleaved")
    for repetition in range(args.runs):
        shift = repetition % len(labels)
        for label in labels[shift:] + labels[:shift]:  # rotating order, so no variant always runs first
            ns = results[label]["ns"]
            for name in SCENARIOS:
                streamed = workers[label].ask(cmd="stream", scenario=name, n=1)
                ns["first_text"][name] += streamed["first_text_ns"]
                ns["stream"][name] += streamed["ns"]
                ns["run"][name] += workers[label].ask(cmd="run", scenario=name, n=1)["ns"]
        server.ask("reset")
        if repetition % 10 == 9:
            log(f"  repetition {repetition + 1}/{args.runs}")
    for label, worker in workers.items():
        worker.close()
        results[label]["stats"] = {
            measure: {name: summary(ns) for name, ns in by_scenario.items()}
            for measure, by_scenario in results[label]["ns"].items()
        }
    return results


def ratios(results: dict[str, Any], frameworks: list[str]) -> dict[str, Any]:
    """Per framework and scenario: any-agent / native for each measure, and streamed / unstreamed for both."""

    def ns(label: str, measure: str, scenario: str) -> list[int] | None:
        entry = results.get(label, {})
        return entry["ns"][measure][scenario] if "ns" in entry else None

    out: dict[str, Any] = {}
    for fw in ["tiny", *frameworks]:
        for scenario in SCENARIOS:
            entry: dict[str, Any] = {}
            ours_label, native_label = f"any-agent {fw}", f"native {fw}"
            for measure in MEASURES:
                ours, native = ns(ours_label, measure, scenario), ns(native_label, measure, scenario)
                if ours and native:
                    entry[f"{measure}_ours_over_native"] = ratio(ours, native)
            for side, label in (("ours", ours_label), ("native", native_label)):
                streamed, plain = ns(label, "stream", scenario), ns(label, "run", scenario)
                if streamed and plain:
                    entry[f"{side}_stream_over_run"] = ratio(streamed, plain)
            out[f"{fw}/{scenario}"] = entry
    return out


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"Measured {report['date']} with `{report['command']}`: {report['runs']} timed runs per variant, scenario "
        f"and measure after {report['warmup']} warm-ups, interleaved; {m['nproc']} cores ({m['cpu']}), "
        f"Python {m['python']}; load before: {m['uptime'].split('load average:')[-1].strip()}, after: "
        f"{report['uptime_after'].split('load average:')[-1].strip()}.",
        "",
        "### Streamed runs: median (IQR) in ms",
        "",
        "| variant | " + " | ".join(f"{MEASURES[m]}: {s}" for m in MEASURES for s in SCENARIOS) + " |",
        "|---|" + "---|" * (len(MEASURES) * len(SCENARIOS)),
    ]
    for label, entry in report["variants"].items():
        if "excluded" in entry:
            lines.append(f"| {label} | excluded: {entry['excluded']} |" + " |" * (len(MEASURES) * len(SCENARIOS) - 1))
            continue
        cells = " | ".join(_cell(entry["stats"][m][s]) for m in MEASURES for s in SCENARIOS)
        lines.append(f"| {label} | {cells} |")
    lines += [
        "",
        "### Ratios of medians [95% bootstrap interval]",
        "",
        "| framework / scenario | first text: any-agent / native | streamed run: any-agent / native "
        "| streamed / unstreamed, any-agent | streamed / unstreamed, native |",
        "|---|---|---|---|---|",
    ]
    for key, entry in report["ratios"].items():
        lines.append(
            f"| {key} | {_ratio_cell(entry.get('first_text_ours_over_native'))} | "
            f"{_ratio_cell(entry.get('stream_ours_over_native'))} | {_ratio_cell(entry.get('ours_stream_over_run'))} | "
            f"{_ratio_cell(entry.get('native_stream_over_run'))} |"
        )
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per variant, scenario and measure")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up runs per variant and scenario")
    parser.add_argument("--quick", action="store_true", help="8 runs, 2 warm-ups")
    parser.add_argument(
        "--frameworks", default=",".join(FRAMEWORKS), help=f"comma-separated, of {','.join(FRAMEWORKS)}"
    )
    parser.add_argument("--no-docs", action="store_true", help="never update docs/benchmarks.md")
    args = parser.parse_args(argv)
    names = [fw.strip() for fw in args.frameworks.split(",") if fw.strip()]
    unknown = sorted(set(names) - set(FRAMEWORKS))
    if unknown:
        parser.error(f"--frameworks: unknown {', '.join(unknown)}; choose from {', '.join(FRAMEWORKS)}")
    args.frameworks = list(dict.fromkeys(names))
    if args.quick:
        args.runs, args.warmup = 8, 2
    args.full = not args.quick and set(args.frameworks) == set(FRAMEWORKS) and args.runs >= 30 and args.warmup >= 5
    return args


def main() -> None:
    args = parse_args()
    run.LOGS.mkdir(exist_ok=True)
    started = time.time()
    launcher = "uv run python" if os.environ.get("UV") else os.path.relpath(sys.executable, run.ROOT)
    report: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": f"{launcher} bench/streaming.py {' '.join(sys.argv[1:])}".strip(),
        "runs": args.runs,
        "warmup": args.warmup,
        "machine": run.machine(),
        "first_text": "time from the start of a run to the first non-empty piece of answer text its reader gets",
    }
    sides = argparse.Namespace(no_mozilla=True, frameworks=args.frameworks, full=False)
    envs = run.ensure_environments(sides)
    server = Server()
    try:
        report["variants"] = measure(args, server, envs)
    finally:
        server.close()
    report["ratios"] = ratios(report["variants"], args.frameworks)
    report["uptime_after"] = run.machine()["uptime"]
    report["duration_s"] = time.time() - started
    folder = run.HERE / "results" if args.full else run.LOGS
    out = folder / f"{dt.date.today().isoformat()}-streaming{'' if args.full else '-partial'}.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    text = markdown(report)
    if args.full and not args.no_docs:
        run.write_docs(text, section="streaming")
    elif not args.no_docs:
        log("docs/benchmarks.md left as is: only a full run (no --quick, every framework) updates it")
    print(text)
    log(f"done in {report['duration_s']:.0f}s; JSON: {out}")


if __name__ == "__main__":
    main()
