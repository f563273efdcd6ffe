"""Ready-made handlers: the scripted models most tests need.

Each is stateless: it reads where a run is from the request's own messages (`ChatRequest.turn`),
never from a counter in the server, so fifty concurrent runs against one server each follow their
own script without mixing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from any_agent.testing.faults import Fault
from any_agent.testing.schema import example_for, response_schema
from any_agent.testing.types import ChatRequest, Reply, ScriptedToolCall, message_text

__all__ = ["Handler", "Step", "answer", "echo", "json_answer", "plan", "plan_from_json"]

Handler: TypeAlias = Callable[[ChatRequest], Reply | Fault]
"""A scripted model: called for every chat request, from server threads, concurrently."""

ToolCallSpec: TypeAlias = tuple[str, dict[str, Any] | str] | ScriptedToolCall
Step: TypeAlias = Sequence[ToolCallSpec] | str | dict[str, Any] | Reply
"""One turn of a plan: tool calls to make, a text answer, a JSON answer, or an exact `Reply`."""


def _wants_json(request: ChatRequest) -> bool:
    return request.response_format is not None and request.response_format.get("type") != "text"


def _json_object_text(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def answer(request: ChatRequest, text: str, obj: dict[str, Any] | None = None) -> Reply:
    """A final answer that fits the request: ``text``, or JSON when it asks for structured output.

    With a ``response_format``, the answer is ``obj`` when given, ``text`` when it already is a JSON
    object, else a minimal instance of the requested schema (``{"answer": text}`` for a plain
    ``json_object`` request). Without one, it is ``obj`` as JSON when given, else ``text``.
    """
    if obj is not None:
        return Reply(content=json.dumps(obj))
    if not _wants_json(request) or _json_object_text(text):
        return Reply(content=text)
    schema = response_schema(request.response_format)
    if schema is not None:
        return Reply(content=json.dumps(example_for(schema)))
    return Reply(content=json.dumps({"answer": text}))


def _summary(request: ChatRequest) -> str:
    results = [message_text(message.get("content")) for message in request.tool_results]
    if results:
        return "Done: " + "; ".join(results)
    return f"You said: {request.last_user_message}"


def _tool_call(spec: Any, step: int) -> ScriptedToolCall:
    if isinstance(spec, ScriptedToolCall):
        return spec
    if (
        isinstance(spec, tuple | list)
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], dict | str)
    ):
        return ScriptedToolCall(name=spec[0], arguments=spec[1])
    raise TypeError(f"plan step {step}: a tool call is (tool_name, arguments) or a ScriptedToolCall, not {spec!r}")


def _normalize(step: Any, index: int) -> Reply | str | dict[str, Any]:
    if isinstance(step, Reply | str | dict):
        return step
    if isinstance(step, Sequence):
        calls = [_tool_call(spec, index) for spec in step]
        if not calls:
            raise ValueError(f"plan step {index}: an empty list of tool calls")
        return Reply(tool_calls=calls)
    raise TypeError(f"plan step {index}: expected a list of tool calls, a str, a dict or a Reply, not {step!r}")


def plan(steps: Sequence[Step], *, final: str | None = None) -> Handler:
    """A model that follows a script, one step per turn of the run.

    Step ``i`` answers the request whose `ChatRequest.turn` is ``i``: a list of
    ``(tool_name, arguments)`` is that turn's tool calls (several make parallel calls; a tool the
    request does not offer is still called, to test unknown tools), a ``str`` is a text answer, a
    ``dict`` a JSON answer, a `Reply` is sent as is. Past the last step the model answers
    ``final``, or ``"Done: "`` and the tool results joined by ``"; "`` (``"You said: ..."`` when
    there were none). Text answers to a structured-output request become JSON (see `answer`).
    """
    script = [_normalize(step, index) for index, step in enumerate(steps)]

    def scripted(request: ChatRequest) -> Reply:
        turn = request.turn
        step = script[turn] if turn < len(script) else None
        if isinstance(step, Reply):
            return step
        if isinstance(step, dict):
            return answer(request, "", step)
        if isinstance(step, str):
            return answer(request, step)
        return answer(request, final if final is not None else _summary(request))

    return scripted


def echo() -> Handler:
    """A model that answers ``"You said: <last user message>"`` (JSON for structured output)."""

    def echoing(request: ChatRequest) -> Reply:
        return answer(request, f"You said: {request.last_user_message}")

    return echoing


def json_answer(obj: dict[str, Any] | None = None) -> Handler:
    """A model that answers ``obj`` as JSON, or a minimal instance of the requested schema.

    Without ``obj`` and without a schema in the request it answers ``{}``.
    """

    def answering(request: ChatRequest) -> Reply:
        if obj is not None:
            return answer(request, "", obj)
        schema = response_schema(request.response_format)
        return Reply(content=json.dumps(example_for(schema) if schema is not None else {}))

    return answering


def plan_from_json(data: Any) -> Handler:
    """A `plan` from its JSON form (the ``serve`` CLI's ``--plan`` file).

    ``data`` is a list of steps, or ``{"steps": [...], "final": "..."}``. A step is a list of tool
    calls written ``{"tool": name, "arguments": {...}}`` (or ``[name, arguments]``), a string (a
    text answer) or an object (a JSON answer).
    """
    final = None
    if isinstance(data, dict):
        final = data.get("final")
        if final is not None and not isinstance(final, str):
            raise ValueError("a plan's 'final' is a string")
        data = data.get("steps")
    if not isinstance(data, list):
        raise ValueError("a plan is a JSON list of steps, or an object with a 'steps' list")
    steps: list[Step] = []
    for index, step in enumerate(data):
        if isinstance(step, list):
            steps.append([_json_tool_call(call, index) for call in step])
        elif isinstance(step, str | dict):
            steps.append(step)
        else:
            raise ValueError(f"plan step {index}: a list of tool calls, a string or an object, not {step!r}")
    return plan(steps, final=final)


def _json_tool_call(call: Any, step: int) -> ScriptedToolCall:
    if isinstance(call, dict) and isinstance(call.get("tool"), str):
        arguments = call.get("arguments", {})
        if not isinstance(arguments, dict | str):
            raise ValueError(f"plan step {step}: a tool call's arguments are an object or a string")
        return ScriptedToolCall(name=call["tool"], arguments=arguments, id=call.get("id"))
    if isinstance(call, list):
        return _tool_call(tuple(call), step)
    raise ValueError(f"plan step {step}: a tool call is {{'tool': name, 'arguments': {{...}}}}, not {call!r}")
