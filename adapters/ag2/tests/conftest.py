"""The AG2 adapter's tests run under the root conftest's network guard (any_agent.testing.pytest_plugin)."""
