"""Root test configuration: every test (core, conformance, adapters) runs with the network guard."""

pytest_plugins = ["any_agent.testing.pytest_plugin"]
