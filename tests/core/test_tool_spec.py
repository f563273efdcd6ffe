from __future__ import annotations

import asyncio
import threading

from any_agent import ToolSpec
from any_agent.tracing import attributes as attr
from any_agent.tracing.collector import SpanRecorder, get_tracer, record
from any_agent.tracing.trace import AgentTrace


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def slow_echo(text: str) -> str:
    """Echo after a pause."""
    await asyncio.sleep(0.01)
    return text


def explode(reason: str) -> str:
    """Always fails."""
    raise ValueError(reason)


def _traced(coro_factory):  # type: ignore[no-untyped-def]
    recorder = SpanRecorder()

    async def main():  # type: ignore[no-untyped-def]
        span = get_tracer().start_span("root")
        record(span, recorder)
        from opentelemetry import trace

        with trace.use_span(span, end_on_exit=True):
            return await coro_factory()

    result = asyncio.run(main())
    return result, AgentTrace.from_spans(recorder.spans)


def test_call_validates_converts_and_traces() -> None:
    spec = ToolSpec.from_callable(add)
    result, trace = _traced(lambda: spec.call('{"a": 2, "b": "3"}', call_id="call_1"))
    assert result.text == "5"
    assert result.value == 5
    assert not result.is_error
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.name == "execute_tool add"
    assert span.attributes[attr.TOOL_NAME] == "add"
    assert span.attributes[attr.TOOL_CALL_ID] == "call_1"
    assert span.attributes[attr.TOOL_TYPE] == "function"
    assert span.attributes[attr.TOOL_DESCRIPTION] == "Add two numbers."
    assert span.attributes[attr.TOOL_CALL_ARGUMENTS] == '{"a": 2, "b": "3"}'
    assert span.attributes[attr.TOOL_CALL_RESULT] == "5"
    assert span.status == "UNSET"


def test_invalid_arguments_become_an_error_result() -> None:
    spec = ToolSpec.from_callable(add)
    bad_json, _ = _traced(lambda: spec.call("{not json"))
    assert bad_json.is_error and "not valid JSON" in bad_json.text
    wrong, trace = _traced(lambda: spec.call({"a": 1, "c": 2}))
    assert wrong.is_error
    assert "b: Field required" in wrong.text and "c: Extra inputs are not permitted" in wrong.text
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.status == "ERROR"
    assert span.attributes[attr.ERROR_TYPE] == "InvalidToolArguments"


def test_exceptions_become_an_error_result_with_error_type() -> None:
    spec = ToolSpec.from_callable(explode)
    result, trace = _traced(lambda: spec.call({"reason": "boom"}))
    assert result.is_error
    assert result.text == "Error: tool 'explode' raised ValueError: boom"
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.status == "ERROR"
    assert span.attributes[attr.ERROR_TYPE] == "ValueError"


def test_async_tool_and_sync_tool_off_the_loop() -> None:
    seen_threads: list[str] = []

    def blocking(text: str) -> str:
        """Record the thread."""
        seen_threads.append(threading.current_thread().name)
        return text

    spec = ToolSpec.from_callable(slow_echo)
    assert asyncio.run(spec.call({"text": "hi"})).text == "hi"
    blocking_spec = ToolSpec.from_callable(blocking)
    assert asyncio.run(blocking_spec.call({"text": "x"})).text == "x"
    assert seen_threads and seen_threads[0] != threading.main_thread().name


def test_call_sync_from_plain_thread() -> None:
    spec = ToolSpec.from_callable(slow_echo)
    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(spec.call_sync({"text": "from thread"}).text))
    worker.start()
    worker.join(10)
    assert results == ["from thread"]
