"""The network guard: any test that tries to reach beyond 127.0.0.1 fails."""

pytest_plugins = ["any_agent.testing.pytest_plugin"]
