"""The installed frameworks, for project tests that run on every one (besides the conformance kit).

ANY_AGENT_TEST_FRAMEWORKS=tiny,crewai narrows them (for adapter work).
"""

from __future__ import annotations

import os

from any_agent.registry import available_frameworks

_ONLY = {name.strip() for name in os.environ.get("ANY_AGENT_TEST_FRAMEWORKS", "").split(",") if name.strip()}
FRAMEWORKS = [name for name in available_frameworks() if not _ONLY or name in _ONLY]
