"""Span attribute names: the GenAI semantic conventions' own, plus ours under ``any_agent.*``.

The ``gen_ai.*`` names come from the ``opentelemetry-semantic-conventions`` package, never typed by
hand, so a renamed or deprecated attribute shows up as an import error, not a silent drift.
"""

from __future__ import annotations

from typing import Final

from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as gen_ai
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE

__all__ = [
    "ABORT_EVENT",
    "AGENT_DESCRIPTION",
    "AGENT_NAME",
    "CONVERSATION_ID",
    "COST",
    "ERROR_TYPE",
    "FALLBACK_EVENT",
    "FRAMEWORK",
    "FRAMEWORK_SPAN_PREFIX",
    "HOOK_EVENT",
    "INPUT_MESSAGES",
    "INPUT_TOKENS",
    "LOCAL_SERVER_START_EVENT",
    "MODEL_ID",
    "OPERATION_NAME",
    "OP_CHAT",
    "OP_EXECUTE_TOOL",
    "OP_INVOKE_AGENT",
    "OUTPUT_MESSAGES",
    "OUTPUT_TOKENS",
    "OUTPUT_TYPE",
    "PROVIDER_NAME",
    "REQUEST_MODEL",
    "REROUTE_EVENT",
    "RESPONSE_FINISH_REASONS",
    "RESPONSE_ID",
    "RESPONSE_MODEL",
    "RETRY_EVENT",
    "SYSTEM_INSTRUCTIONS",
    "THREAD_ABANDONED_EVENT",
    "TIME_TO_FIRST_TOKEN",
    "TOOL_CALL_ARGUMENTS",
    "TOOL_CALL_ID",
    "TOOL_CALL_RESULT",
    "TOOL_DENIED_EVENT",
    "TOOL_DESCRIPTION",
    "TOOL_NAME",
    "TOOL_TYPE",
]

OPERATION_NAME: Final = gen_ai.GEN_AI_OPERATION_NAME
OP_CHAT: Final = gen_ai.GenAiOperationNameValues.CHAT.value
OP_EXECUTE_TOOL: Final = gen_ai.GenAiOperationNameValues.EXECUTE_TOOL.value
OP_INVOKE_AGENT: Final = gen_ai.GenAiOperationNameValues.INVOKE_AGENT.value

PROVIDER_NAME: Final = gen_ai.GEN_AI_PROVIDER_NAME
REQUEST_MODEL: Final = gen_ai.GEN_AI_REQUEST_MODEL
RESPONSE_MODEL: Final = gen_ai.GEN_AI_RESPONSE_MODEL
RESPONSE_ID: Final = gen_ai.GEN_AI_RESPONSE_ID
RESPONSE_FINISH_REASONS: Final = gen_ai.GEN_AI_RESPONSE_FINISH_REASONS
INPUT_TOKENS: Final = gen_ai.GEN_AI_USAGE_INPUT_TOKENS
OUTPUT_TOKENS: Final = gen_ai.GEN_AI_USAGE_OUTPUT_TOKENS
INPUT_MESSAGES: Final = gen_ai.GEN_AI_INPUT_MESSAGES
OUTPUT_MESSAGES: Final = gen_ai.GEN_AI_OUTPUT_MESSAGES
SYSTEM_INSTRUCTIONS: Final = gen_ai.GEN_AI_SYSTEM_INSTRUCTIONS
OUTPUT_TYPE: Final = gen_ai.GEN_AI_OUTPUT_TYPE

AGENT_NAME: Final = gen_ai.GEN_AI_AGENT_NAME
AGENT_DESCRIPTION: Final = gen_ai.GEN_AI_AGENT_DESCRIPTION
CONVERSATION_ID: Final = gen_ai.GEN_AI_CONVERSATION_ID

TOOL_NAME: Final = gen_ai.GEN_AI_TOOL_NAME
TOOL_CALL_ID: Final = gen_ai.GEN_AI_TOOL_CALL_ID
TOOL_DESCRIPTION: Final = gen_ai.GEN_AI_TOOL_DESCRIPTION
TOOL_TYPE: Final = gen_ai.GEN_AI_TOOL_TYPE
TOOL_CALL_ARGUMENTS: Final = gen_ai.GEN_AI_TOOL_CALL_ARGUMENTS
TOOL_CALL_RESULT: Final = gen_ai.GEN_AI_TOOL_CALL_RESULT

# Our own, where the conventions have no name.
FRAMEWORK: Final = "any_agent.framework"
"""Which adapter ran the agent (on the ``invoke_agent`` span)."""
MODEL_ID: Final = "any_agent.model.id"
"""The ``provider:model`` id that served a ``chat`` span (it differs from the primary after a fallback)."""
COST: Final = "any_agent.usage.cost"
"""A ``chat`` call's price in USD from genai-prices; absent when the price is unknown."""
FALLBACK_EVENT: Final = "any_agent.fallback"
"""Event on a ``chat`` span when a fallback model takes over (attributes: from, to, reason)."""
TIME_TO_FIRST_TOKEN: Final = "any_agent.response.time_to_first_token"
"""Seconds from a streamed ``chat`` call's start to its first chunk (only on streamed calls)."""
RETRY_EVENT: Final = "any_agent.retry"
"""Event on a ``chat`` span for each retried attempt (attributes: attempt, reason, delay)."""
LOCAL_SERVER_START_EVENT: Final = "any_agent.local_server.start"
"""Event on the ``chat`` span that had to start a ``local:`` model server first (attributes: model,
duration_seconds), so a slow first call shows where its time went."""
THREAD_ABANDONED_EVENT: Final = "any_agent.thread_abandoned"
"""Event on an ``execute_tool`` span whose run was cancelled while the synchronous tool's thread still
ran: Python cannot stop a thread, so it was left to finish on its own (attributes: reason)."""
HOOK_EVENT: Final = "any_agent.hook"
"""Event on a ``chat`` or ``execute_tool`` span whose call a hook changed (attributes: hook, changes:
which of ``messages``, ``model_args``, ``response``, ``arguments``, ``result``; with content capture
on, what was there before: ``messages_before``, ``response_before``, ``arguments_before``,
``result_before``). The span itself shows what was really sent and returned."""
REROUTE_EVENT: Final = "any_agent.reroute"
"""Event on a ``chat`` span that a hook (such as `KeepLocal`) sent to another model (attributes: hook,
from, to, reason; the reason never holds the call's content)."""
TOOL_DENIED_EVENT: Final = "any_agent.tool_denied"
"""Event on an ``execute_tool`` span whose call a hook denied (attributes: hook, reason)."""
ABORT_EVENT: Final = "any_agent.run_aborted"
"""Event on the span during which a hook ended the run (attributes: hook, reason)."""
FRAMEWORK_SPAN_PREFIX: Final = "any_agent.framework."
"""Spans an adapter emits of its own are named with this prefix; comparisons leave them out."""
