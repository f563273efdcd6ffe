"""``compare``'s live progress: one line per run in flight, fed by the runs' streamed events.

A line says where its run is: the cell (framework and model) and the run's number, the turn, the tool
being run or the answer being written, and the tokens used so far, e.g.
``langgraph x openai:gpt-4o  run 2/3  turn 2  running get_weather  1,204 tokens``. It is drawn
with rich's `Live` on the terminal only, and disappears with the run (the finished-run lines are
printed as before).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from any_agent.cli.compare import CellResult, EventCallback
from any_agent.cli.render import TIMES
from any_agent.streaming import (
    ModelResponseEvent,
    RunEvent,
    RunFailed,
    RunFinished,
    TextDeltaEvent,
    ToolCallEvent,
    ToolResultEvent,
)

__all__ = ["CompareProgress", "RunProgress", "live_progress"]


@dataclass
class RunProgress:
    """Where one run is, from the events seen so far."""

    label: str
    turn: int = 1
    tokens: int = 0
    """Input and output tokens of the model calls that finished."""
    text_pieces: int = 0
    """Pieces of answer text streamed in the current turn."""
    tools: dict[str, str] = field(default_factory=dict)
    """The tool calls running now, by call id."""
    answered: int = 0
    """Model calls that finished (the turn after the last one is in progress)."""

    def see(self, event: RunEvent) -> None:
        """Move on with ``event``."""
        if isinstance(event, TextDeltaEvent):
            self.text_pieces += 1
        elif isinstance(event, ModelResponseEvent):
            self.answered += 1
            self.tokens += event.usage.input_tokens + event.usage.output_tokens
            self.text_pieces = 0
        elif isinstance(event, ToolCallEvent):
            self.tools[event.call_id] = event.name
        elif isinstance(event, ToolResultEvent):
            self.tools.pop(event.call_id, None)
            self.turn = self.answered + 1

    def doing(self) -> str:
        """What the run does now, in a few words."""
        if self.tools:
            return "running " + ", ".join(dict.fromkeys(self.tools.values()))
        if self.text_pieces:
            return "writing the answer"
        return "waiting for the model"

    def line(self) -> Text:
        """The run's progress line (untrusted names are plain text, never markup)."""
        line = Text(self.label, style="bold")
        line += Text(f"  turn {self.turn}  ")
        line += Text(self.doing(), style="cyan")
        if self.tokens:
            line += Text(f"  {self.tokens:,} tokens", style="dim")
        return line


class CompareProgress:
    """The runs in flight and their lines; `on_event` is `run_matrix`'s ``on_event``."""

    def __init__(self, repeat: int) -> None:
        """Track the runs of a matrix whose cells run ``repeat`` times each."""
        self._repeat = repeat
        self._runs: dict[tuple[str, str, int], RunProgress] = {}
        self._lock = threading.Lock()  # rich redraws from its own thread
        self._spinner = Spinner("dots", text=Text("running…"))

    def on_event(self, cell: CellResult, index: int, event: RunEvent) -> None:
        """Update the run's line; a run that ended loses it."""
        key = (cell.framework, cell.model, index)
        with self._lock:
            if isinstance(event, RunFinished | RunFailed):
                self._runs.pop(key, None)
                return
            run = self._runs.get(key)
            if run is None:
                label = f"{cell.framework}{TIMES}{cell.model}"
                if self._repeat > 1:
                    label += f"  run {index + 1}/{self._repeat}"
                run = self._runs[key] = RunProgress(label)
            run.see(event)

    def lines(self) -> list[Text]:
        """The current lines, in the order the runs started."""
        with self._lock:
            return [run.line() for run in self._runs.values()]

    def __rich__(self) -> RenderableType:
        """The spinner, then a line per run in flight."""
        table = Table.grid(padding=(0, 0, 0, 4))
        for line in self.lines():
            line.no_wrap, line.overflow = True, "ellipsis"
            table.add_row(line)
        return Group(self._spinner, table)


@contextmanager
def live_progress(console: Console, repeat: int) -> Iterator[EventCallback]:
    """Show the live lines on ``console`` while the block runs; yields the callback for `run_matrix`."""
    progress = CompareProgress(repeat)
    with Live(progress, console=console, transient=True, refresh_per_second=8, redirect_stdout=False) as live:

        def on_event(cell: CellResult, index: int, event: RunEvent) -> None:
            progress.on_event(cell, index, event)
            if not isinstance(event, TextDeltaEvent):  # a tool starting shows at once; text at the refresh rate
                live.refresh()

        yield on_event
