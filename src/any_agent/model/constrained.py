"""Tool calling by constrained decoding, for small local models.

Small open-weight models rarely write a well-formed tool call on their own. When the server can
constrain decoding to a JSON schema (llama.cpp's grammars do), every answer can be forced to be
either a call of one of the offered tools, with arguments that fit its schema, or a final answer.
The request is rewritten into that protocol here and the answer read back into ordinary tool calls,
so frameworks, tools and traces see no difference.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from any_agent.model.types import Message, ModelResponse, ToolCall

__all__ = [
    "ANSWER_MAX_CHARS",
    "SchemaStyle",
    "constrain_request",
    "read_constrained_answer",
    "repeats_an_answered_call",
]

ANSWER_MAX_CHARS = 400
"""The length bound of a constrained text answer. The grammar closes the string there, so a small
model that rambles still ends with well-formed JSON, well inside the local output bound (about 150
tokens of English, of 256)."""

SchemaStyle = Literal["json_schema", "json_object_schema"]
"""How the server takes a schema: OpenAI's ``json_schema`` format, or llama-cpp-python's
``{"type": "json_object", "schema": ...}``."""

_PROTOCOL = (
    "You can call these tools:\n{tools}\n\nAnswer with one JSON object: "
    '{{"tool": <tool name>, "arguments": {{...}}}} to call a tool, or {answer} to give the final answer. '
    "Call a tool when it helps; answer once you have what you need."
)


def constrain_request(
    messages: Sequence[Message],
    tools: Sequence[Mapping[str, Any]] | None,
    output_schema: Mapping[str, Any] | None,
    style: SchemaStyle,
) -> tuple[list[Message], dict[str, Any]]:
    """The messages and response format that force a tool call or an answer."""
    functions = [tool["function"] for tool in tools or [] if tool.get("type") == "function"]
    answer_schema: dict[str, Any] = (
        dict(output_schema)
        if output_schema is not None
        else {
            "type": "object",
            "properties": {"answer": {"type": "string", "maxLength": ANSWER_MAX_CHARS}},
            "required": ["answer"],
        }
    )
    choices = [
        {
            "type": "object",
            "properties": {"tool": {"const": function["name"]}, "arguments": function.get("parameters", {})},
            "required": ["tool", "arguments"],
        }
        for function in functions
    ]
    schema = {"anyOf": [*choices, answer_schema]} if choices else answer_schema
    if "$defs" in answer_schema:  # keep references resolvable from the root
        schema = {**schema, "$defs": answer_schema["$defs"]}
    described = "\n".join(
        f"- {function['name']}: {function.get('description', '')} Arguments (JSON schema): "
        f"{json.dumps(function.get('parameters', {}))}"
        for function in functions
    )
    answer_hint = "a JSON object that fits the answer schema" if output_schema is not None else '{"answer": <text>}'
    rewritten = _as_plain_conversation(messages)
    if functions:
        protocol = _PROTOCOL.format(tools=described, answer=answer_hint)
        rewritten = _with_system(rewritten, protocol)
    if style == "json_object_schema":
        response_format: dict[str, Any] = {"type": "json_object", "schema": schema}
    else:
        response_format = {"type": "json_schema", "json_schema": {"name": "step", "schema": schema, "strict": False}}
    return rewritten, response_format


def repeats_an_answered_call(messages: Sequence[Message], response: ModelResponse) -> bool:
    """Whether the model asks again for a call whose result is already in the conversation.

    Small models tend to repeat a call instead of reading its result; the client then asks once more
    with only the answer allowed, which ends the loop without forbidding different calls of a tool.
    """
    answered = {message["tool_call_id"] for message in messages if message["role"] == "tool"}
    earlier = {
        (call["function"]["name"], json.dumps(_loads(call["function"]["arguments"]), sort_keys=True))
        for message in messages
        if message["role"] == "assistant"
        for call in message.get("tool_calls") or []
        if call["id"] in answered
    }
    return any(
        (call.name, json.dumps(_loads(call.arguments), sort_keys=True)) in earlier for call in response.tool_calls
    )


def read_constrained_answer(response: ModelResponse, *, structured: bool) -> ModelResponse:
    """The model's JSON answer as ordinary tool calls or answer text; never the wire format itself."""
    data = _lenient_loads(response.content or "")
    if data is None:
        partial = _truncated_answer(response.content or "")
        return response if partial is None else _replace(response, content=partial)
    if isinstance(data, dict) and isinstance(data.get("tool"), str) and "arguments" in data:
        call = ToolCall(f"call_{uuid.uuid4().hex[:12]}", data["tool"], json.dumps(data["arguments"]))
        return _replace(response, content=None, tool_calls=(call,), finish_reason="tool_calls")
    if not structured and isinstance(data, dict) and isinstance(data.get("answer"), str):
        return _replace(response, content=data["answer"])
    return response


def _lenient_loads(text: str) -> Any:
    """The first JSON value in ``text``, allowing raw control characters in strings and text after it.

    Models write raw newlines inside strings (invalid JSON) and a space or a stray token after the
    object; either would otherwise hand the user the wire format. None when there is no JSON value.
    """
    try:
        return json.JSONDecoder(strict=False).raw_decode(text.strip())[0]
    except ValueError:
        return None


_ANSWER_START = re.compile(r'^\s*\{\s*"answer"\s*:\s*"')


def _truncated_answer(text: str) -> str | None:
    """The text of an answer object cut off mid-string (at the output bound), or None."""
    start = _ANSWER_START.match(text)
    if start is None:
        return None
    body = text[start.end() :].rstrip()
    for ending in ('"}', '"', "\\"):  # a closed string with a broken tail, or a cut escape
        body = body.removesuffix(ending)
    decoded = _lenient_loads(f'"{body}"')
    return (decoded if isinstance(decoded, str) else body).strip()


def _as_plain_conversation(messages: Sequence[Message]) -> list[Message]:
    """Tool calls and results as plain text turns, which every chat template can render."""
    names: dict[str, str] = {}
    plain: list[Message] = []
    for message in messages:
        if message["role"] == "assistant" and message.get("tool_calls"):
            calls = []
            for call in message.get("tool_calls", []):
                function = call["function"]
                names[call["id"]] = function["name"]
                calls.append(json.dumps({"tool": function["name"], "arguments": _loads(function["arguments"])}))
            plain.append({"role": "assistant", "content": "\n".join(calls)})
        elif message["role"] == "tool":
            name = names.get(message["tool_call_id"], "the tool")
            plain.append(
                {
                    "role": "user",
                    "content": f"The tool {name} returned: {message.get('content')}\n"
                    "If this answers the question, reply with the final answer now.",
                }
            )
        else:
            plain.append(message.copy())
    return plain


def _with_system(messages: list[Message], protocol: str) -> list[Message]:
    head = messages[0] if messages else None
    if head is not None and head["role"] == "system":
        first = head.copy()
        first["content"] = f"{head.get('content') or ''}\n\n{protocol}".strip()
        return [first, *messages[1:]]
    return [{"role": "system", "content": protocol}, *messages]


def _loads(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return text


def _replace(response: ModelResponse, **changes: Any) -> ModelResponse:
    return dataclasses.replace(response, **changes)
