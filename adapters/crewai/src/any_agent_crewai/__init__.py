"""any-agent adapter for CrewAI: ``AgentConfig(framework="crewai", ...)``.

CrewAI's own telemetry and tracing are switched off before CrewAI is first imported, unless the
environment already set them (see `any_agent_crewai.telemetry`).
"""

from any_agent_crewai.telemetry import keep_crewai_local

keep_crewai_local()

from any_agent_crewai.adapter import CrewAIAdapter  # noqa: E402  (CrewAI must be imported after the defaults)

__all__ = ["CrewAIAdapter"]
