"""What adapters share: checking ``agent_args``, reading message content, a framework's turn limit.

An adapter is the translation to its framework and nothing else; whatever two adapters would both
write lives here (or in the core boundaries), so their behaviour cannot drift apart.
"""

from any_agent.adapter_kit.agent_args import check_agent_args
from any_agent.adapter_kit.content import content_text
from any_agent.adapter_kit.turns import framework_turn_limit

__all__ = ["check_agent_args", "content_text", "framework_turn_limit"]
