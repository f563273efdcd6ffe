"""Masking keys in an exception chain: ours kept and masked, the provider side replaced."""

from __future__ import annotations

import traceback

from any_agent.errors import AgentRunError, ModelCallError
from any_agent.redaction import RedactedError, redact_chain, redact_text
from any_agent.tracing.trace import AgentTrace

SECRET = "sk-secret-value-42"


class _ProviderError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.status_code = 401
        self.headers = {"Authorization": f"Bearer {SECRET}"}


class _FrameworkError(Exception):
    pass


def _chain() -> AgentRunError:
    try:
        try:
            raise _ProviderError(f"Incorrect API key provided: {SECRET}")
        except _ProviderError as provider:
            raise ModelCallError(f"model call failed: {provider}", status_code=401) from provider
    except ModelCallError as model:
        try:
            raise _FrameworkError(f"the framework says: {model}") from model
        except _FrameworkError as framework:
            error = AgentRunError(str(framework), trace=AgentTrace(spans=[]), cause=framework)
            error.__cause__ = framework
            return error


def test_the_whole_chain_is_masked_and_the_provider_side_replaced() -> None:
    error = _chain()
    redact_chain(error, [SECRET])
    printed = "".join(traceback.format_exception(error))
    assert SECRET not in printed and "***" in printed
    framework = error.__cause__
    assert isinstance(framework, _FrameworkError)  # a framework's exception keeps its class
    model = framework.__cause__
    assert isinstance(model, ModelCallError) and model.status_code == 401
    provider = model.__cause__
    assert isinstance(provider, RedactedError)  # what held the request is gone
    assert provider.status_code == 401 and provider.type_name.endswith("_ProviderError")
    assert str(provider).endswith("_ProviderError: Incorrect API key provided: ***")
    assert provider.__traceback__ is None and model.__context__ is None


def test_short_strings_are_not_secrets() -> None:
    assert redact_text("a b c", ["", "b"]) == "a b c"
    assert redact_text(f"x {SECRET} y", [SECRET]) == "x *** y"


def test_a_cyclic_chain_ends() -> None:
    first, second = ValueError(SECRET), ModelCallError(SECRET)
    second.__cause__ = first
    first.__cause__ = second
    redact_chain(second, [SECRET])
    assert SECRET not in "".join(traceback.format_exception(second))
