"""The ``any-agent`` command line: run an agent file, compare frameworks, read traces, build reports.

See ``docs/cli.md``. The comparison itself (`any_agent.cli.compare.run_matrix`) and the report
(`any_agent.cli.report.html.render_report`) are usable from Python without the command line.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """The console script's entry point."""
    from any_agent.cli.app import app

    app()
