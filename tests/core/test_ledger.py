"""`CallLedger.restore`: the model is shown its own turns, whatever the framework made of them."""

from __future__ import annotations

from typing import Any

from any_agent.adapter_kit.messages import Message
from any_agent.model.types import ModelResponse, ToolCall
from any_agent.tools.ledger import CallLedger


def _answer(call_id: str, arguments: str = '{"city": "Paris"}') -> ModelResponse:
    return ModelResponse(None, (ToolCall(call_id, "get_weather", arguments),), "tool_calls")


def _ledger(*call_ids: str) -> CallLedger:
    ledger = CallLedger()
    for call_id in call_ids:
        ledger.record(_answer(call_id))
    return ledger


def test_the_models_own_turns_pass_through_without_a_copy() -> None:
    ledger = _ledger("c1")
    history: list[Message] = [
        {"role": "user", "content": "Weather?"},
        _answer("c1").to_message(),
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
    ]
    restored = ledger.restore(history)
    assert restored == history
    assert all(ours is theirs for ours, theirs in zip(restored, history, strict=True))


def test_a_reworded_turn_becomes_what_the_model_wrote() -> None:
    ledger = _ledger("c1")
    reworded: dict[str, Any] = {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}],
        "cache_breakpoint": True,
    }
    tool_result: dict[str, Any] = {"role": "tool", "tool_call_id": "c1", "content": "sunny", "name": "get_weather"}
    restored = ledger.restore([reworded, tool_result])  # type: ignore[list-item]
    assert restored == [_answer("c1").to_message(), {"role": "tool", "tool_call_id": "c1", "content": "sunny"}]


def test_a_turn_the_ledger_never_saw_keeps_only_chat_keys() -> None:
    stranger: dict[str, Any] = {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "h1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        "framework_note": 1,
    }
    [restored] = _ledger("c1").restore([stranger])  # type: ignore[list-item]
    assert restored == {key: stranger[key] for key in ("role", "content", "tool_calls")}


def test_a_list_changed_in_place_is_looked_at_again() -> None:
    ledger = _ledger("c1", "c2")
    history: list[Any] = [{"role": "user", "content": "Weather?"}, {**_answer("c1").to_message(), "extra": 1}]
    assert ledger.restore(history)[1] == _answer("c1").to_message()
    history[1] = {**_answer("c2").to_message(), "extra": 2}
    assert ledger.restore(history)[1] == _answer("c2").to_message()


def test_a_vouched_history_passes_as_it_is() -> None:
    ledger = _ledger("c1")
    history: list[Any] = [{**_answer("c1").to_message(), "extra": 1}]
    ledger.vouch(history)
    restored = ledger.restore(history)
    assert restored == history and restored is not history
    assert ledger.restore(list(history)) == [_answer("c1").to_message()]  # another list is restored


def test_a_vouched_history_is_written_into_chat_spans_as_the_same_json() -> None:
    import json

    from any_agent.tracing.messages import input_messages, input_messages_json

    history: list[Message] = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Wetter in Köln?"}, {"type": "text", "text": "Bitte."}]},
        {
            "role": "assistant",
            "content": "Einen Moment.",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": '{"city": "Köln"}'}},
                {"id": "c2", "type": "function", "function": {"name": "weather", "arguments": "{not json"}},
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "Sonnig"},
        {"role": "tool", "tool_call_id": "c2", "content": "Error: invalid arguments"},
    ]
    ledger = CallLedger()
    ledger.vouch(history)
    assert ledger.span_json == {}
    for length in range(len(history) + 1):  # the history grows call by call; each message is converted once
        sent = history[:length]
        assert input_messages_json(sent, ledger.span_json) == json.dumps(input_messages(sent), default=str)
    assert input_messages_json([], ledger.span_json) == "[]"
    from any_agent.model.instrumented import _instructions_json
    from any_agent.tracing.messages import system_instructions

    expected = json.dumps(system_instructions(history))
    assert _instructions_json(history[:2], ledger.span_json) == expected  # made on the first call
    assert _instructions_json(history, ledger.span_json) == expected  # and kept
    # A tool's own model call during the run sends other messages: its span has its own instructions.
    own: list[Message] = [{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "Hi"}]
    assert _instructions_json(own, ledger.span_json) == json.dumps(system_instructions(own))
    assert _instructions_json([{"role": "user", "content": "Hi"}], ledger.span_json) is None
    assert _instructions_json(history, ledger.span_json) == expected  # the run's own history still hits
    assert CallLedger().span_json is None  # a framework's history is never cached
