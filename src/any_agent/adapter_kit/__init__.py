"""What adapters share: typed chat messages, checking ``agent_args``, message content, a turn limit.

An adapter is the translation to its framework and nothing else; whatever two adapters would both
write lives here (or in the core boundaries), so their behaviour cannot drift apart.
"""

from any_agent.adapter_kit.agent_args import check_agent_args
from any_agent.adapter_kit.content import content_text
from any_agent.adapter_kit.instructions import instruction_mark, is_instruction, marked_instruction
from any_agent.adapter_kit.messages import (
    AssistantMessage,
    Message,
    SystemMessage,
    ToolCallItem,
    ToolMessage,
    UserMessage,
    results_in_call_order,
)
from any_agent.adapter_kit.turns import framework_turn_limit

__all__ = [
    "AssistantMessage",
    "Message",
    "SystemMessage",
    "ToolCallItem",
    "ToolMessage",
    "UserMessage",
    "check_agent_args",
    "content_text",
    "framework_turn_limit",
    "instruction_mark",
    "is_instruction",
    "marked_instruction",
    "results_in_call_order",
]
