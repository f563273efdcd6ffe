"""What a scripted model sees (`ChatRequest`) and what it answers (`Reply`, `ScriptedToolCall`).

A handler only ever deals with these small types, never with HTTP: the server parses each request
into a `ChatRequest` and turns the handler's `Reply` into the exact OpenAI wire format, plain or
streamed, so one handler serves every client and every framework the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from any_agent.adapter_kit.content import content_text

__all__ = ["ChatRequest", "Reply", "ScriptedToolCall", "Usage", "message_text"]

JSONObject: TypeAlias = dict[str, Any]


def message_text(content: Any) -> str:
    """The text of a message's ``content``, whether a plain string or a list of content parts.

    Clients send either form (the list one for multimodal input), so policies read text through
    this instead of assuming a string (the core's own `content_text`).
    """
    return content_text(content)


def _dicts(value: Any) -> list[JSONObject]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _tool_name(tool: JSONObject) -> str | None:
    function = tool.get("function")
    if isinstance(function, dict) and isinstance(function.get("name"), str):
        return str(function["name"])
    # The flat shape some clients use (``{"type": "function", "name": ...}``).
    name = tool.get("name")
    return name if isinstance(name, str) else None


@dataclass(frozen=True)
class ChatRequest:
    """One chat-completions request, parsed, as the scripted model received it.

    The helpers derive a run's progress from the messages alone (`turn`, `tool_results`), which is
    what lets a handler be stateless and so serve many concurrent runs without mixing them.
    """

    model: str
    messages: list[JSONObject]
    """The messages in the OpenAI chat format, exactly as received."""
    tools: list[JSONObject] = field(default_factory=list)
    """The tool definitions offered, in the OpenAI tool format, exactly as received."""
    tool_names: list[str] = field(default_factory=list)
    response_format: JSONObject | None = None
    stream: bool = False
    raw: JSONObject = field(default_factory=dict)
    """The whole request body, for anything the typed fields leave out."""
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    """The HTTP request headers, names in lower case (``authorization`` holds the key the client sent)."""

    @classmethod
    def from_body(cls, body: JSONObject, headers: dict[str, str] | None = None) -> ChatRequest:
        """Parse a request body; raise `ValueError` when it is not a chat-completions request."""
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(isinstance(item, dict) for item in messages):
            raise ValueError("'messages' must be a list of message objects")
        tools = _dicts(body.get("tools"))
        response_format = body.get("response_format")
        return cls(
            model=str(body.get("model") or ""),
            messages=messages,
            tools=tools,
            tool_names=[name for name in map(_tool_name, tools) if name is not None],
            response_format=response_format if isinstance(response_format, dict) else None,
            stream=body.get("stream") is True,
            raw=body,
            headers={name.lower(): value for name, value in (headers or {}).items()},
        )

    def _since_last_user(self) -> list[JSONObject]:
        for index in range(len(self.messages) - 1, -1, -1):
            if self.messages[index].get("role") == "user":
                return self.messages[index + 1 :]
        return list(self.messages)

    @property
    def last_user_message(self) -> str:
        """The text of the last ``user`` message ("" when there is none)."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return message_text(message.get("content"))
        return ""

    @property
    def turn(self) -> int:
        """How many assistant messages follow the last user message.

        0 on a run's first model call, 1 after one round of tool calls, and so on: the index of the
        step a scripted plan is at, read from the history instead of kept in the server.
        """
        return sum(1 for message in self._since_last_user() if message.get("role") == "assistant")

    @property
    def tool_results(self) -> list[JSONObject]:
        """The ``tool`` messages (with their ``content``) after the last user message, in order."""
        return [message for message in self._since_last_user() if message.get("role") == "tool"]

    @property
    def system_prompt(self) -> str | None:
        """The text of the ``system`` (or ``developer``) messages, or None when there are none."""
        texts = [
            message_text(message.get("content"))
            for message in self.messages
            if message.get("role") in {"system", "developer"}
        ]
        return "\n".join(texts) if texts else None

    @property
    def include_usage(self) -> bool:
        """Whether a streamed answer must end with a usage chunk (``stream_options.include_usage``)."""
        options = self.raw.get("stream_options")
        return isinstance(options, dict) and options.get("include_usage") is True


@dataclass(frozen=True)
class Usage:
    """The token counts a reply reports.

    Fixed by default, not derived from the prompt: every framework adds its own prompt text, and
    traces of different frameworks are compared on token counts.
    """

    input_tokens: int = 10
    output_tokens: int = 5

    @property
    def total_tokens(self) -> int:
        """Input and output tokens together."""
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class ScriptedToolCall:
    """A tool call the scripted model makes.

    ``arguments`` given as a string are sent verbatim, so a test can send invalid JSON on purpose;
    a dict is serialized. Without an ``id`` the server makes one that is unique per request.
    """

    name: str
    arguments: JSONObject | str = field(default_factory=dict)
    id: str | None = None

    @property
    def arguments_json(self) -> str:
        """The arguments as the JSON text sent on the wire."""
        return self.arguments if isinstance(self.arguments, str) else json.dumps(self.arguments)


@dataclass
class Reply:
    """What the scripted model answers: text, tool calls, or both.

    ``finish_reason`` defaults to what a real model would say: ``tool_calls`` when there are tool
    calls, ``stop`` otherwise. Set it to test other endings (``length``, ``content_filter``).
    """

    content: str | None = None
    tool_calls: list[ScriptedToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None

    def __post_init__(self) -> None:
        if self.finish_reason is None:
            self.finish_reason = "tool_calls" if self.tool_calls else "stop"
