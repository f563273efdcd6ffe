"""Root test configuration: every test (core, conformance, adapters) runs with the network guard."""

import importlib.util

from any_agent.environments import OWN_ENVIRONMENT

pytest_plugins = ["any_agent.testing.pytest_plugin"]

# An adapter with an environment of its own is tested in it (tests/environments runs it there from the
# main suite); where it is not installed, its tests are not collected.
collect_ignore = [
    project
    for framework, project in OWN_ENVIRONMENT.items()
    if importlib.util.find_spec(f"any_agent_{framework}") is None
]
