"""`KeepLocal`: the egress policy that keeps sensitive model calls on this machine.

Before each model call it looks at everything the call would send (`messages_text`); when the
detector finds something, the call goes to ``route_to`` instead of the configured model, and only
there (no fallback to a cloud model). A call that goes to a local model already stays on it, without
its fallbacks. With ``route_to=None`` a call bound for a cloud model is blocked: the run ends with
`EgressBlocked`. The ``chat`` span shows the reroute (event ``any_agent.reroute``) with what was
found, by name, never the matched text.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from any_agent.errors import ConfigError
from any_agent.hooks.base import AbortRun, Hooks, ModelCall, RouteTarget, RunAborted
from any_agent.hooks.detectors import Detector, PiiDetector, messages_text
from any_agent.model.ids import parse_model_id

__all__ = ["EgressBlocked", "KeepLocal"]


class EgressBlocked(RunAborted):
    """`KeepLocal` blocked a model call that would have sent sensitive data off the machine."""


class _Blocked(AbortRun):
    error = EgressBlocked


class KeepLocal(Hooks):
    """Send model calls whose messages match ``detect`` to ``route_to``, or block them.

    Args:
        detect: Takes the text of a call's messages, returns the names of what it found (empty:
            nothing). Default: `PiiDetector()` (e-mail addresses, phone numbers, IBANs).
        route_to: Where matching calls go: a ``provider:model`` id or a mapping with ``model_id``
            (and ``api_base``, ``api_key``), as a ``fallback_model_ids`` entry. None blocks them.
        name: How the trace names this policy.
    """

    def __init__(
        self, detect: Detector | None = None, route_to: RouteTarget | None = None, *, name: str | None = None
    ) -> None:
        self.detect: Detector = detect or PiiDetector()
        if route_to is not None:
            model_id = route_to if isinstance(route_to, str) else route_to.get("model_id")
            if not isinstance(model_id, str):
                raise ConfigError(
                    "KeepLocal(route_to=...) needs a model id, or a mapping with 'model_id'", field="hooks"
                )
            try:
                parse_model_id(model_id)
            except ValueError as error:
                raise ConfigError(f"KeepLocal(route_to=...): {error}", field="hooks") from None
        self.route_to = route_to
        self.name = name

    def routes(self) -> Sequence[RouteTarget]:
        """``route_to``, so a missing key or provider fails when the agent is created."""
        return [self.route_to] if self.route_to is not None else []

    async def before_model_call(self, call: ModelCall) -> None:
        """Reroute, keep, or block the call, per what the detector finds."""
        found = self.detect(messages_text(call.messages))
        if inspect.isawaitable(found):
            found = await found
        if not found:
            return
        what = f"found {', '.join(found)} in the messages"
        if call.local:
            call.keep_route()
        elif self.route_to is not None:
            call.reroute(self.route_to, reason=what)
        else:
            raise _Blocked(f"{what}; the call to {call.model} was blocked (no route_to is set)")
