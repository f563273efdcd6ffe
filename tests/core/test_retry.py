from __future__ import annotations

import httpx
import openai
from any_llm import exceptions as llm_errors

from any_agent.model.retry import RetryDecision, RetryPolicy, classify
from any_agent.model.route import LOCAL_MAX_TOKENS, ModelRoute


def _status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request)
    return openai.APIStatusError("boom", response=response, body=None)


def test_rate_limit_honours_retry_after() -> None:
    error = llm_errors.RateLimitError("slow down", _status_error(429, {"retry-after": "2.5"}), retry_after="2.5")
    decision = classify(error)
    assert decision.retryable and decision.retry_after == 2.5 and decision.status_code == 429
    assert RetryPolicy().delay(1, decision) == 2.5


def test_server_error_is_retried_and_client_errors_are_not() -> None:
    five = classify(llm_errors.ProviderError("down", _status_error(503), status_code=503))
    assert five.retryable and five.status_code == 503
    auth = classify(llm_errors.AuthenticationError("bad key", _status_error(401), status_code=401))
    assert not auth.retryable
    assert RetryPolicy().delay(1, auth) is None


def test_timeouts_are_retried() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    assert classify(openai.APITimeoutError(request)).retryable
    assert classify(TimeoutError()).retryable


def test_backoff_is_bounded_and_gives_up() -> None:
    policy = RetryPolicy(max_retries=3, initial_delay=1.0, max_delay=2.0)
    decision = RetryDecision(True, "server error (500)", 500)
    delays = [policy.delay(attempt, decision) for attempt in (1, 2, 3)]
    assert all(delay is not None and 0.5 <= delay <= 2.0 for delay in delays)
    assert policy.delay(4, decision) is None
    too_long = RetryDecision(True, "rate limited (429)", 429, retry_after=3600)
    assert policy.delay(1, too_long) is None


def test_a_one_slot_local_server_leaves_timeouts_to_the_fallbacks() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    decision = classify(openai.APITimeoutError(request), retry_timeouts=False)
    assert not decision.retryable and decision.fallback_ok
    assert RetryPolicy().delay(1, decision) is None
    refused = classify(openai.APIConnectionError(request=request), retry_timeouts=False)
    assert refused.retryable  # only timeouts: a refused connection is retried as before


def test_a_local_route_bounds_its_output_and_does_not_retry_timeouts() -> None:
    local = ModelRoute("local:gemma3-270m")
    assert not local.retries_timeouts and local.request_defaults == {"max_tokens": LOCAL_MAX_TOKENS}
    # llama-cpp-python's server ignores the max_completion_tokens any-llm would send instead
    assert local.wire_params({"max_tokens": 8, "temperature": 0}) == {"temperature": 0, "extra_body": {"max_tokens": 8}}
    cloud = ModelRoute("openai:gpt-4.1-mini")
    assert cloud.retries_timeouts and cloud.request_defaults == {}
    assert cloud.wire_params({"max_tokens": 8}) == {"max_tokens": 8}
