"""Keeping CrewAI's own telemetry and tracing on the machine unless the user opted in.

CrewAI phones home in two ways, each with its own switch, both read from the environment every time
they are consulted:

* anonymous usage telemetry (OTLP spans to CrewAI's collector), off with ``CREWAI_DISABLE_TELEMETRY``;
* execution tracing to CrewAI AMP, which on a first run also buffers the run and asks on the terminal
  whether to upload it, off with ``CREWAI_TRACING_ENABLED=false``;
* a PyPI version check when a crew or flow starts with verbose output, off with
  ``CREWAI_DISABLE_VERSION_CHECK``.

``OTEL_SDK_DISABLED`` would silence both, but it also turns off the user's own OpenTelemetry (and
any-agent's traces with it), so it is never touched. Defaults are only set, never forced: a user who
exported either variable keeps their choice.
"""

from __future__ import annotations

import os

__all__ = ["LOCAL_DEFAULTS", "keep_crewai_local"]

LOCAL_DEFAULTS = {
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
}
"""The settings applied unless the environment already says otherwise."""


def keep_crewai_local() -> None:
    """Turn CrewAI's telemetry and tracing off unless the environment already decided."""
    for name, value in LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
