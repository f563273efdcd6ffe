"""Whether message contents, tool arguments and tool results are recorded on spans.

The GenAI conventions make content opt-in for instrumentation libraries. any-agent records it by
default because comparing what two frameworks sent and received is the point of its traces, and its
traces stay on this machine unless the user exports them. Setting the conventions' own variable
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false`` turns it off, e.g. before exporting
production traces to a shared backend.
"""

from __future__ import annotations

import os

__all__ = ["CAPTURE_CONTENT_ENV", "capture_content"]

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"


def capture_content() -> bool:
    """True unless the environment turns content capture off."""
    return os.environ.get(CAPTURE_CONTENT_ENV, "true").strip().lower() not in {"false", "0", "no", "off"}
