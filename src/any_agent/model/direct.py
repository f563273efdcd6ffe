"""The direct path for OpenAI-compatible endpoints: the same request, without two conversions.

A chat completion through any-llm's ``openai`` provider goes ``acompletion`` → ``CompletionParams``
(pydantic) → the openai SDK's ``chat.completions.create``, whose ``async_maybe_transform`` walks
every message against the SDK's TypedDict unions (1.7 ms for a 2-message request, 7.5 ms for 12,
measured on 2 loaded cores: most of the client's CPU in a run), then any-llm dumps the SDK's
answer and validates it again as its own type. For chat-completions parameters the transform
changes nothing (no field of the request types has an alias or a format), so the direct path
sends the body as it is with the SDK client's documented ``post`` (the same client, auth, headers,
base URL, timeout and JSON encoding) and reads the SDK's answer without converting it.

It is taken only where the result is the same request any-llm would send: any-llm's exact
``openai`` provider (its subclasses adapt requests for their servers), not streamed, and only
parameters any-llm passes through unchanged (`_BODY`, `_OPTIONS`); anything else goes through
any-llm. Errors are converted by any-llm's own handler, so a failure reads the same either way,
and an answer of an unusual shape is handed to any-llm's own conversion. Everything above the
provider (retries, fallback, the ``chat`` span, cost) is the same code on both paths.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

__all__ = ["direct_completion"]

_BODY = (
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "max_completion_tokens",
    "parallel_tool_calls",
    "presence_penalty",
    "prompt_cache_key",
    "response_format",
    "seed",
    "service_tier",
    "stop",
    "temperature",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "user",
)
"""Body fields any-llm passes through as they are, in the order the openai SDK writes them."""

_OPTIONS = {"extra_body": "extra_json", "extra_headers": "headers", "extra_query": "params"}
"""Request options any-llm hands to the SDK, under the SDK's ``RequestOptions`` names."""

_TAKEN = frozenset({*_BODY, *_OPTIONS, "max_tokens"})


class _AnyLlmInternals(NamedTuple):
    """The parts of any-llm the direct path uses that are not its public API."""

    openai_provider: Any  # the class; as Any, so a provider compared with it stays Any
    strip_extra_content: Callable[..., Any]
    exception_handler: Callable[..., Any]


@functools.cache
def _any_llm_internals() -> _AnyLlmInternals | None:
    """any-llm's internals, or None when a release has moved one: then every call takes any-llm's path.

    The direct path mirrors ``BaseOpenAIProvider._acompletion`` of the locked any-llm version
    (tests/core/test_model_direct.py pins the wire and the answers against it); what it cannot
    find, it leaves to any-llm rather than fail every unstreamed ``openai:``/``local:`` call.
    """
    try:
        from any_llm.providers.openai.openai import OpenaiProvider
        from any_llm.utils.exception_handler import provider_exception_handler
        from any_llm.utils.reasoning import strip_extra_content
    except ImportError:
        return None
    if not callable(getattr(OpenaiProvider, "_convert_completion_response", None)):
        return None
    return _AnyLlmInternals(OpenaiProvider, strip_extra_content, provider_exception_handler)


def _in_the_sdks_shape(completion: Any) -> bool:
    """Whether the answer has the types the SDK declares: its ``post`` does not check them, any-llm does.

    A server may send content as a list of parts or arguments as an object; any-llm's conversion
    rejects those (or reads them), so they go to it, and fail or pass exactly as on its path.
    """
    for choice in completion.choices:
        message = choice.message
        if message.content is not None and not isinstance(message.content, str):
            return False
        for call in message.tool_calls or ():
            function = getattr(call, "function", None)
            if function is None or not isinstance(function.arguments, str):
                return False
    return True


async def direct_completion(
    provider: Any,
    model: str,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]] | None,
    response_format: dict[str, Any] | None,
    timeout: float,  # noqa: ASYNC109  # the SDK's per-request timeout, as any-llm forwards it
    params: Mapping[str, Any],
) -> Any | None:
    """The completion (the openai SDK's ``ChatCompletion``), or None when the direct path does not apply."""
    internals = _any_llm_internals()
    if internals is None or type(provider) is not internals.openai_provider or not params.keys() <= _TAKEN:
        return None
    if "max_tokens" in params and "max_completion_tokens" in params:
        return None  # any-llm warns and keeps one: its path says so
    from openai.types.chat import ChatCompletion

    strip_extra_content, provider_exception_handler = internals.strip_extra_content, internals.exception_handler

    given: dict[str, Any] = {**params, "tools": tools, "response_format": response_format}
    if "max_tokens" in given:  # any-llm sends OpenAI's newer name
        given["max_completion_tokens"] = given.pop("max_tokens")
    body: dict[str, Any] = {
        "messages": strip_extra_content(messages, keep_namespaces=("google",)),
        "model": model,
    }
    for name in _BODY:
        value = given.get(name)
        if value is not None:
            body[name] = value
    options: dict[str, Any] = {"timeout": timeout, "security": {"bearer_auth": True}}
    for name, option in _OPTIONS.items():
        if params.get(name) is not None:
            options[option] = params[name]
    try:
        completion = await provider.client.post("/chat/completions", body=body, options=options, cast_to=ChatCompletion)
    except Exception as error:
        provider_exception_handler(provider)(error)  # raises any-llm's error, as its own path would
        raise
    if not (
        completion.choices
        and completion.object == "chat.completion"
        and isinstance(completion.created, int)
        and _in_the_sdks_shape(completion)
    ):
        try:
            return provider._convert_completion_response(completion)
        except Exception as error:
            provider_exception_handler(provider)(error)
            raise
    return completion
