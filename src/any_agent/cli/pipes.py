"""A closed pipe (``any-agent run … | head``) ends the command at once, quietly, with exit code 141.

Python ignores SIGPIPE, so a write to a closed pipe raises `BrokenPipeError`. rich turns that into
``SystemExit(1)``, which, raised in the thread that happens to print (the event loop of a run, a
framework's thread), kills that thread and leaves the main thread waiting forever. Here a console
raises `OutputClosed` instead, the command cancels whatever still runs, and `silence_output` points
both standard streams at ``/dev/null`` so that nothing (not even the interpreter's final flush)
tries to write to the pipe again. 141 is what a shell reports for a process ended by SIGPIPE
(128 + 13), the status ``yes | head`` leaves in ``PIPESTATUS``.
"""

from __future__ import annotations

import contextlib
import os
import sys

from rich.console import Console

__all__ = ["OutputClosed", "PipeSafeConsole", "silence_output"]


class OutputClosed(BrokenPipeError):
    """The reader of stdout or stderr went away: stop, print nothing more."""


class PipeSafeConsole(Console):
    """A rich console that raises `OutputClosed` on a closed pipe, in whichever thread prints."""

    def on_broken_pipe(self) -> None:
        """Called by rich inside its ``except BrokenPipeError``."""
        self.quiet = True
        raise OutputClosed


def silence_output() -> None:
    """Send whatever is still written to stdout and stderr to ``/dev/null``."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a stream without a file descriptor (tests)
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
