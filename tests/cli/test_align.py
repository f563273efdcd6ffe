from __future__ import annotations

from typing import Any

from any_agent.cli.align import align, changed_fields, first_difference, step_key


def chat(output: str | None = None, calls: list[str] | None = None, model: str = "m") -> dict[str, Any]:
    return {
        "operation": "chat",
        "name": f"chat {model}",
        "status": "UNSET",
        "output": output,
        "tool_calls": [{"name": name, "arguments": {}} for name in calls or []],
        "input_tokens": 10,
        "output_tokens": 5,
    }


def tool(name: str, result: str) -> dict[str, Any]:
    return {
        "operation": "execute_tool",
        "name": f"execute_tool {name}",
        "status": "UNSET",
        "arguments": {},
        "result": result,
    }


ROOT = {"operation": "invoke_agent", "name": "invoke_agent a", "status": "OK"}


def test_identical_steps_have_no_difference() -> None:
    steps = [ROOT, chat(calls=["f"]), tool("f", "1"), chat("done")]
    assert first_difference(steps, [dict(step) for step in steps]) is None


def test_first_difference_names_the_index_and_the_fields() -> None:
    left = [ROOT, chat(calls=["f"]), tool("f", "1"), chat("done")]
    right = [ROOT, chat(calls=["f"]), tool("f", "2"), chat("finished")]
    difference = first_difference(left, right)
    assert difference is not None
    assert difference.index == 2
    assert difference.fields == ["result"]
    assert difference.left == left[2] and difference.right == right[2]
    assert difference.to_json()["index"] == 2


def test_a_shorter_trace_differs_where_it_ends() -> None:
    left = [ROOT, chat("done")]
    difference = first_difference(left, [ROOT])
    assert difference is not None
    assert (difference.index, difference.right) == (1, None)
    assert difference.fields == list(left[1])


def test_changed_fields_can_ignore_names() -> None:
    assert changed_fields(chat("x", model="a"), chat("x", model="b")) == ["name"]
    assert changed_fields(chat("x", model="a"), chat("x", model="b"), ignore=["name"]) == []


def test_chat_steps_align_across_models_tool_steps_by_tool() -> None:
    assert step_key(chat("x", model="a")) == step_key(chat("y", model="b")) == "chat:answer"
    assert step_key(chat(calls=["g", "f"])) == "chat->f,g"
    assert step_key(tool("f", "")) != step_key(tool("g", ""))


def test_steps_that_do_not_match_still_pair_up_as_differing() -> None:
    rows = align([[ROOT, chat(calls=["f"])], [ROOT, chat(calls=["g"])]])
    assert len(rows) == 2
    slot = rows[1][1]
    assert slot is not None and not slot.extra and slot.differs == ["tool_calls"]


def test_align_inserts_a_row_for_an_extra_step_instead_of_shifting_everything() -> None:
    reference = [ROOT, chat(calls=["f"]), tool("f", "1"), chat("done")]
    extra = [ROOT, chat(calls=["f"]), tool("f", "1"), chat(calls=["g"]), tool("g", "2"), chat("done")]
    rows = align([reference, extra])
    assert len(rows) == 6
    kinds = [(row[0] is None, row[1] is not None and row[1].extra) for row in rows]
    assert kinds == [(False, False)] * 3 + [(True, True)] * 2 + [(False, False)]
    final = rows[-1]
    assert final[0] is not None and final[1] is not None
    assert (final[0].index, final[1].index) == (3, 5)
    assert final[1].differs == []


def test_align_leaves_a_gap_for_a_missing_step_and_marks_differences() -> None:
    reference = [ROOT, chat(calls=["f"]), tool("f", "1"), chat("done")]
    other = [ROOT, chat("gave up")]
    rows = align([reference, other])
    assert [slot is None for slot in (row[1] for row in rows)] == [False, True, True, False]
    answer = rows[3][1]
    assert answer is not None and (answer.index, answer.differs) == (1, ["output"])


def test_align_uses_the_reference_column() -> None:
    a = [ROOT, chat("a")]
    b = [ROOT, chat(calls=["f"]), tool("f", "1"), chat("b")]
    rows = align([a, b], reference=1)
    assert len(rows) == 4
    assert all(row[1] is not None and not row[1].differs for row in rows)
