"""Start Arize Phoenix inside the socket audit, in Phoenix's own environment (not the workspace's).

Run with the Phoenix environment's Python: ``python serve_phoenix.py NETWORK_PY ATTEMPTS_FILE``
and Phoenix's usual ``PHOENIX_*`` variables. ``NETWORK_PY`` is ``any_agent/testing/network.py``,
loaded by path (it is stdlib only, and the rest of any_agent is not installed here). Every
connection or name lookup aimed outside loopback is refused and written to ``ATTEMPTS_FILE`` as
one line as it happens, so the test reads them whether or not Phoenix exits cleanly.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _report(guard: Any, attempts_file: Path) -> None:
    """Append what the guard refused to the file, as it happens (polled: a hook after the guard's
    would not run, since the guard's raises)."""
    written = 0
    while True:
        attempts = list(guard.attempts)
        if len(attempts) > written:
            with attempts_file.open("a", encoding="utf-8") as file:
                file.writelines(f"{attempt}\n" for attempt in attempts[written:])
            written = len(attempts)
        time.sleep(0.1)


def main() -> int:
    network_py, attempts_file = Path(sys.argv[1]), Path(sys.argv[2])
    spec = importlib.util.spec_from_file_location("any_agent_network", network_py)
    assert spec is not None and spec.loader is not None
    network = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(network)
    attempts_file.write_text("", encoding="utf-8")
    guard = network.NetworkGuard()
    guard.install()  # before Phoenix is imported: its imports may already try to phone home
    threading.Thread(target=_report, args=(guard, attempts_file), daemon=True).start()
    from phoenix.server.main import main as phoenix_main

    sys.argv = ["phoenix", "serve"]
    return int(phoenix_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
