"""Whether message contents, tool arguments and tool results are recorded on spans.

The GenAI conventions make content opt-in for instrumentation libraries. any-agent records it by
default because comparing what two frameworks sent and received is the point of its traces, and its
traces stay on this machine unless the user exports them. Setting the conventions' own variable
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false`` turns it off, e.g. before exporting
production traces to a shared backend.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from any_agent.context import RunContext

__all__ = ["CAPTURE_CONTENT_ENV", "capture_content"]

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"


def capture_content(run: RunContext | None = None) -> bool:
    """True unless the environment turns content capture off; for a run, as it was when the run began.

    Read once per run (`RunContext.records_content`): the environment lookup is not free, and a
    run's spans should not change their mind halfway.
    """
    if run is not None:
        return run.records_content
    return os.environ.get(CAPTURE_CONTENT_ENV, "true").strip().lower() not in {"false", "0", "no", "off"}
