"""The network guard for these tests comes from the root conftest (any_agent.testing.pytest_plugin)."""
