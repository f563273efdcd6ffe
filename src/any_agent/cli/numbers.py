"""Numbers as people read them: costs that never show a zero that is not zero.

Shared by the terminal (`any_agent.cli.render`) and anything else that shows a cost, so that the
same run reads the same everywhere.
"""

from __future__ import annotations

import math

__all__ = ["format_cost"]

_SMALLEST = 1e-6
"""Below a millionth of a dollar, digits stop meaning anything for a run."""


def format_cost(cost: float | None, *, unknown: str = "unknown") -> str:
    """``$0.0042``, ``$1.25``: two significant digits below a dollar, cents above; ``unknown`` for None.

    A real cost is never rounded to a zero: $0.000012 reads ``$0.000012``, anything under a
    millionth of a dollar ``<$0.000001``; only a cost that is zero reads ``$0``.
    """
    if cost is None or math.isnan(cost):
        return unknown
    if cost == 0:
        return "$0"
    if cost < _SMALLEST:
        return "<$0.000001"
    if cost >= 1:
        return f"${cost:,.2f}"
    decimals = 1 - math.floor(math.log10(cost))
    whole, _, fraction = f"{cost:.{decimals}f}".partition(".")
    return f"${whole}.{fraction.rstrip('0').ljust(2, '0')}"
