"""The exit codes of ``any-agent``: what scripts can rely on."""

from __future__ import annotations

from typing import Final

__all__ = ["BROKEN_PIPE", "DIFFERENT", "FAILED", "INTERRUPTED", "OK", "USAGE"]

OK: Final = 0
"""Everything ran and succeeded (``trace diff``: the traces are identical)."""
FAILED: Final = 1
"""A run failed: the agent run, or at least one cell of a comparison."""
DIFFERENT: Final = 1
"""``trace diff``: the normalized traces differ."""
USAGE: Final = 2
"""Nothing ran: a bad option, an unreadable or invalid agent or trace file, a framework that is not installed."""
INTERRUPTED: Final = 130
"""Interrupted with Ctrl-C."""
BROKEN_PIPE: Final = 141
"""The reader of the output went away (``any-agent run … | head``): what a shell reports for SIGPIPE."""
