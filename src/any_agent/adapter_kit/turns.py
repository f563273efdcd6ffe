"""`framework_turn_limit`: the one mapping of ``max_turns`` to a framework's own turn limit.

A turn is one model call, and in a run the core counts them: the run's accounting layer
(`any_agent.model.accounting.RunAccountingModel`) refuses the call past ``max_turns`` with
`TurnLimitReached`, and the run ends with `MaxTurnsExceeded` whatever the framework does with that.
That count is the only one that decides, so "exactly reached" and "exceeded" are the same on every
framework, and no framework's own wording of "too many turns" reaches the user.

Some frameworks insist on a limit of their own (a step count, a recursion limit, an iteration
count) and would stop a run at it in their own way, before or after the core's count. In a run they
are given one turn more than ``max_turns``, so their limit is never the one that stops it. Outside a
run (the native agent driven directly) nothing else counts, and their limit is ``max_turns`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from any_agent.context import RunContext

__all__ = ["framework_turn_limit"]


def framework_turn_limit(max_turns: int, run: RunContext | None) -> int:
    """Model turns to allow a framework's own limit: one past ``max_turns`` in a run, where the core stops it."""
    return max_turns + 1 if run is not None else max_turns
