"""``python -m any_agent.testing.serve``: the scripted model as a standalone server.

For programs that cannot start it in-process (another language, a notebook kernel, a framework
launched as a subprocess): they read the URL from the one line it prints and point at it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from any_agent.testing.policies import Handler, echo, plan_from_json
from any_agent.testing.server import ScriptedLLM

__all__ = ["load_policy", "main"]


def load_policy(policy: str) -> Handler:
    """The handler a ``--policy`` names: ``echo``, or the path of a JSON plan file."""
    if policy == "echo":
        return echo()
    path = Path(policy)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(
            f"cannot read the plan file {policy!r} ({error.strerror}); a policy is 'echo' or a plan file"
        ) from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{policy} is not valid JSON: {error}") from None
    return plan_from_json(data)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m any_agent.testing.serve",
        description="Serve a scripted OpenAI-compatible model until interrupted.",
    )
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--policy", default="echo", help="'echo' (default) or the path of a JSON plan file")
    choice.add_argument("--plan", metavar="FILE", help="a JSON plan file (same as --policy FILE)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 (default) picks a free one")
    parser.add_argument("--model", default="scripted", help="model name the server reports (default scripted)")
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (anyone there can use it)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server in the foreground until SIGINT or SIGTERM; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        handler = load_policy(args.plan or args.policy)
        llm = ScriptedLLM(handler, host=args.host, port=args.port, model=args.model, allow_remote=args.allow_remote)
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        llm.start()
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        print(f"any-agent scripted LLM on {llm.base_url} (model id {llm.model_id})", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        llm.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
