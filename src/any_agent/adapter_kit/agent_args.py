"""`check_agent_args`: one check of ``AgentConfig.agent_args`` for every adapter.

``agent_args`` go to the framework's own constructor. A key the framework does not take, or one
that an `AgentConfig` field already decides (the model, the tools, the instructions), must fail at
`Agent.create` with the field named and the fix, not deep in a run; and it must fail the same way
on every framework, with a did-you-mean hint for a typo.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Any

from any_agent.errors import ConfigError

__all__ = ["check_agent_args"]


def check_agent_args(
    agent_args: Mapping[str, Any],
    *,
    framework: str,
    accepted: Collection[str],
    owned: Mapping[str, str] | None = None,
) -> None:
    """Raise `ConfigError` (field ``agent_args``) for a key that is owned or not accepted.

    ``accepted``: the keys the framework's constructor (or the adapter) takes. ``owned``: keys any-agent
    sets itself, each with where the user sets it instead (e.g. ``{"model": "AgentConfig.model_id"}``).
    """
    owned = owned or {}
    for key in agent_args:
        if key in owned:
            raise ConfigError(f"{key!r} is set by any-agent for {framework}: use {owned[key]}", field="agent_args")
    unknown = [key for key in agent_args if key not in accepted]
    if unknown:
        choices = sorted(set(accepted) - set(owned))
        raise ConfigError(
            f"{framework} takes no {', '.join(_with_hint(key, choices) for key in unknown)}; "
            f"it takes {', '.join(choices) or 'none'}",
            field="agent_args",
        )


def _with_hint(key: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1)
    return f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key)
