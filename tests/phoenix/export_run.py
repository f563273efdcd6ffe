"""Run one agent and export its spans over OTLP/HTTP, as a user would: ``python export_run.py ENDPOINT
PROJECT FRAMEWORK``. A separate process, because a global tracer provider can be set only once per
process and the test suite's must stay untouched. Prints the run's trace id, usage and span names as
JSON; refuses, under the project's socket audit, any connection outside 127.0.0.1.
"""

from __future__ import annotations

import json
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from any_agent import Agent, AgentConfig
from any_agent.testing import ScriptedLLM, plan
from any_agent.testing.network import network_guard


def get_weather(city: str) -> str:
    """Get the weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 18 to 28 °C"


def main() -> None:
    endpoint, project, framework = sys.argv[1:4]
    network_guard.install()
    # Phoenix files spans under the project named by this resource attribute.
    resource = Resource.create({"service.name": "any-agent", "openinference.project.name": project})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, timeout=30)))
    trace.set_tracer_provider(provider)
    script = plan([[("get_weather", {"city": "Lisbon"})]], final="Lisbon looks sunny, 18 to 28 °C.")
    with ScriptedLLM(script, model="gpt-4o-mini") as llm:
        config = AgentConfig(
            name="trip_helper",
            framework=framework,
            instructions="Answer with the tools.",
            model_id=llm.model_id,
            api_base=llm.base_url,
            tools=[get_weather],
        )
        agent = Agent.create(config)
        result = agent.run("What will the weather be like in Lisbon?")
        agent.close()
    provider.shutdown()  # flushes the batch: every span has been sent (or has failed) by now
    root = result.root
    print(
        json.dumps(
            {
                "trace_id": root.trace_id if root else None,
                "input_tokens": result.usage.input_tokens,
                "output_tokens": result.usage.output_tokens,
                "spans": [span.name for span in result.spans],
                "blocked": network_guard.attempts,
            }
        )
    )


if __name__ == "__main__":
    main()
