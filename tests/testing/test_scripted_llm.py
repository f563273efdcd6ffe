"""The scripted OpenAI-compatible server, driven by real clients: openai, httpx, urllib, http.client."""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import httpx
import openai
import pytest
from pydantic import BaseModel, Field

from any_agent.testing import (
    ChatRequest,
    Fault,
    Reply,
    ScriptedLLM,
    ScriptedToolCall,
    Usage,
    echo,
    example_for,
    json_answer,
    plan,
    plan_from_json,
)

USER = [{"role": "user", "content": "hello there"}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": name,
            "description": f"{name} two numbers",
            "parameters": {
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                "required": ["a", "b"],
            },
        },
    }
    for name in ("add", "multiply")
]


@contextmanager
def client(llm: ScriptedLLM, **options: Any) -> Iterator[openai.OpenAI]:
    options = {"max_retries": 0, **options}
    with openai.OpenAI(base_url=llm.base_url, api_key="any-key", **options) as openai_client:
        yield openai_client


def post(llm: ScriptedLLM, body: dict[str, Any], path: str = "/chat/completions") -> httpx.Response:
    return httpx.post(llm.base_url + path, json=body, timeout=10)


def assistant_with_calls(completion: Any) -> dict[str, Any]:
    """The assistant message of a completion, as history to send back."""
    return completion.choices[0].message.model_dump(include={"role", "content", "tool_calls"})


# -- plain answers -------------------------------------------------------------------------------


def test_plain_completion_with_the_openai_client() -> None:
    with ScriptedLLM(echo()) as llm, client(llm) as openai_client:
        completion = openai_client.chat.completions.create(model="scripted", messages=USER)
        assert llm.base_url == f"http://127.0.0.1:{llm.port}/v1"
        assert llm.model_id == "openai:scripted"
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "scripted"
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "You said: hello there"
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == (
        10,
        5,
        15,
    )


def test_plain_completion_with_urllib_has_the_exact_wire_shape() -> None:
    with ScriptedLLM(echo()) as llm:
        request = urllib.request.Request(
            llm.base_url + "/chat/completions",
            data=json.dumps({"model": "scripted", "messages": USER}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            assert response.status == 200
            assert response.headers["Content-Type"] == "application/json"
            assert int(response.headers["Content-Length"]) == len(raw)
    body = json.loads(raw)
    assert set(body) >= {"id", "object", "created", "model", "choices", "usage"}
    assert isinstance(body["created"], int)
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "You said: hello there", "refusal": None}
    assert body["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


def test_usage_does_not_depend_on_the_prompt_and_can_be_scripted() -> None:
    def handler(request: ChatRequest) -> Reply:
        if request.last_user_message == "custom":
            return Reply(content="ok", usage=Usage(input_tokens=123, output_tokens=7))
        return Reply(content="ok")

    with ScriptedLLM(handler) as llm:
        long_prompt = [{"role": "system", "content": "x" * 50_000}, *USER]
        default = post(llm, {"model": "m", "messages": long_prompt}).json()
        custom = post(llm, {"model": "m", "messages": [{"role": "user", "content": "custom"}]}).json()
    assert default["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    assert custom["usage"] == {"prompt_tokens": 123, "completion_tokens": 7, "total_tokens": 130}


def test_an_empty_reply_is_an_empty_string_and_finish_reason_can_be_set() -> None:
    replies = {"empty": Reply(), "cut": Reply(content="partial", finish_reason="length")}
    with ScriptedLLM(lambda request: replies[request.last_user_message]) as llm:
        empty = post(llm, {"messages": [{"role": "user", "content": "empty"}]}).json()["choices"][0]
        cut = post(llm, {"messages": [{"role": "user", "content": "cut"}]}).json()["choices"][0]
    assert (empty["message"]["content"], empty["finish_reason"]) == ("", "stop")
    assert (cut["message"]["content"], cut["finish_reason"]) == ("partial", "length")


# -- tool calls ----------------------------------------------------------------------------------


def test_several_tool_calls_in_one_turn_have_parseable_arguments_and_unique_ids() -> None:
    handler = plan([[("add", {"a": 1, "b": 2}), ("multiply", {"a": 3, "b": 4}), ("add", {"a": 5, "b": 6})]])
    with ScriptedLLM(handler) as llm, client(llm) as openai_client:
        completion = openai_client.chat.completions.create(
            model="scripted",
            messages=USER,
            tools=TOOLS,
        )
        again = openai_client.chat.completions.create(model="scripted", messages=USER, tools=TOOLS)

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    calls = choice.message.tool_calls or []
    assert [(call.function.name, json.loads(call.function.arguments)) for call in calls] == [
        ("add", {"a": 1, "b": 2}),
        ("multiply", {"a": 3, "b": 4}),
        ("add", {"a": 5, "b": 6}),
    ]
    assert all(call.type == "function" for call in calls)
    ids = [call.id for call in calls] + [call.id for call in again.choices[0].message.tool_calls or []]
    assert len(set(ids)) == 6
    assert all(re.fullmatch(r"call_0_[0-2]_[0-9a-f]{8}", call_id) for call_id in ids)


def test_string_arguments_are_sent_verbatim_and_ids_can_be_scripted() -> None:
    handler = plan([[ScriptedToolCall("add", '{"a": 1, "b":', id="call_fixed"), ("ghost_tool", "not json")]])
    with ScriptedLLM(handler) as llm:
        body = post(llm, {"messages": USER, "tools": TOOLS}).json()
    calls = body["choices"][0]["message"]["tool_calls"]
    assert calls[0] == {
        "id": "call_fixed",
        "type": "function",
        "function": {"name": "add", "arguments": '{"a": 1, "b":'},
    }
    assert calls[1]["function"] == {"name": "ghost_tool", "arguments": "not json"}
    assert llm.requests[0].tool_names == ["add", "multiply"]  # the plan called a tool not offered


# -- streaming -----------------------------------------------------------------------------------


def reassemble(chunks: list[Any]) -> dict[str, Any]:
    content = ""
    calls: dict[int, dict[str, Any]] = {}
    finish_reason = None
    for chunk in chunks:
        for choice in chunk.choices:
            delta = choice.delta
            content += delta.content or ""
            for call in delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
                entry["id"] = call.id or entry["id"]
                entry["name"] += call.function.name or ""
                entry["arguments"] += call.function.arguments or ""
            finish_reason = choice.finish_reason or finish_reason
    return {"content": content, "calls": [calls[index] for index in sorted(calls)], "finish_reason": finish_reason}


def test_streamed_text_reassembles_to_the_same_message_and_ends_with_usage() -> None:
    text = "A long scripted answer that certainly spans several streamed deltas."
    with ScriptedLLM(plan([text])) as llm, client(llm) as openai_client:
        plain = openai_client.chat.completions.create(model="scripted", messages=USER)
        chunks = list(
            openai_client.chat.completions.create(
                model="scripted",
                messages=USER,
                stream=True,
                stream_options={"include_usage": True},
            )
        )
        without_usage = list(openai_client.chat.completions.create(model="scripted", messages=USER, stream=True))

    streamed = reassemble(chunks)
    assert streamed == {"content": plain.choices[0].message.content, "calls": [], "finish_reason": "stop"}
    assert streamed["content"] == text
    assert sum(1 for chunk in chunks if chunk.choices and chunk.choices[0].delta.content) >= 4
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len({chunk.id for chunk in chunks}) == 1
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 15
    assert all(chunk.usage is None for chunk in without_usage)
    assert reassemble(without_usage)["content"] == text


def test_streamed_tool_calls_reassemble_with_index_id_name_then_arguments() -> None:
    arguments = {"a": 1234567, "b": 7654321, "note": "long enough to be split"}
    with ScriptedLLM(plan([[("add", arguments), ("multiply", {"a": 2, "b": 3})]])) as llm, client(llm) as openai_client:
        chunks = list(openai_client.chat.completions.create(model="scripted", messages=USER, tools=TOOLS, stream=True))

    streamed = reassemble(chunks)
    assert streamed["finish_reason"] == "tool_calls"
    assert streamed["content"] == ""
    assert [(call["name"], json.loads(call["arguments"])) for call in streamed["calls"]] == [
        ("add", arguments),
        ("multiply", {"a": 2, "b": 3}),
    ]
    assert all(call["id"].startswith("call_0_") for call in streamed["calls"])
    first_delta_of_call_0 = next(chunk for chunk in chunks if chunk.choices and chunk.choices[0].delta.tool_calls)
    head = first_delta_of_call_0.choices[0].delta.tool_calls[0]
    assert (head.index, head.function.name, head.function.arguments) == (0, "add", "")
    argument_deltas = [
        chunk
        for chunk in chunks
        if chunk.choices
        and chunk.choices[0].delta.tool_calls
        and chunk.choices[0].delta.tool_calls[0].index == 0
        and chunk.choices[0].delta.tool_calls[0].id is None
    ]
    assert len(argument_deltas) >= 2


def test_stream_on_the_wire_is_sse_chunked_and_ends_with_done() -> None:
    with ScriptedLLM(echo()) as llm, httpx.Client(timeout=10) as http:
        with http.stream(
            "POST", llm.base_url + "/chat/completions", json={"messages": USER, "stream": True}
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["transfer-encoding"] == "chunked"
            lines = [line for line in response.iter_lines() if line]
        followup = http.post(llm.base_url + "/chat/completions", json={"messages": USER})  # same pooled connection

    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    assert json.loads(lines[0][6:])["object"] == "chat.completion.chunk"
    assert followup.json()["choices"][0]["message"]["content"] == "You said: hello there"


def test_keep_alive_survives_plain_streamed_error_and_404_answers() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.status(400, "bad"))
        connection = http.client.HTTPConnection("127.0.0.1", llm.port, timeout=10)
        sockets = []
        for path, body in [
            ("/v1/chat/completions", {"messages": USER}),  # the 400 fault
            ("/v1/chat/completions", {"messages": USER, "stream": True}),
            ("/v1/nowhere", {}),
            ("/v1/chat/completions", {"messages": USER}),
        ]:
            connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            assert not response.will_close
            sockets.append(connection.sock)
        connection.close()
    assert len(set(map(id, sockets))) == 1


# -- other endpoints -----------------------------------------------------------------------------


def test_models_endpoint_and_paths_without_v1() -> None:
    with ScriptedLLM(echo(), model="scripted") as llm, client(llm) as openai_client:
        models = [model.id for model in openai_client.models.list()]
        bare_root = llm.base_url.removesuffix("/v1")
        bare_models = httpx.get(bare_root + "/models").json()
        one = httpx.get(llm.base_url + "/models/scripted").json()
        missing = httpx.get(llm.base_url + "/models/gpt-9")
        bare_chat = httpx.post(bare_root + "/chat/completions", json={"messages": USER}).json()
    assert models == ["scripted"]
    assert bare_models["object"] == "list" and bare_models["data"][0]["id"] == "scripted"
    assert one == {"id": "scripted", "object": "model", "created": 0, "owned_by": "any-agent"}
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"
    assert bare_chat["choices"][0]["message"]["content"] == "You said: hello there"


def test_unknown_paths_and_bad_bodies_get_json_errors() -> None:
    with ScriptedLLM(echo()) as llm:
        unknown_get = httpx.get(llm.base_url + "/embeddings")
        unknown_post = post(llm, {"input": "x"}, path="/embeddings")
        not_json = httpx.post(llm.base_url + "/chat/completions", content=b"{nope")
        no_messages = post(llm, {"model": "scripted"})
    assert unknown_get.status_code == unknown_post.status_code == 404
    assert unknown_post.json()["error"]["message"] == "no route POST /v1/embeddings"
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["error"]["message"]
    assert no_messages.status_code == 400 and "messages" in no_messages.json()["error"]["message"]
    assert llm.requests == []


def test_chunked_request_bodies_are_read() -> None:
    parts = [b'{"messages": [{"role": "user", ', b'"content": "in pieces"}]}']
    with ScriptedLLM(echo()) as llm:
        response = httpx.post(llm.base_url + "/chat/completions", content=iter(parts), timeout=10)
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.json()["choices"][0]["message"]["content"] == "You said: in pieces"


# -- faults --------------------------------------------------------------------------------------


def test_rate_limit_fault_is_a_429_with_retry_after() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.rate_limit(retry_after=0.5))
        response = post(llm, {"messages": USER})
        llm.inject(Fault.rate_limit(), times=1)
        with client(llm) as openai_client, pytest.raises(openai.RateLimitError) as raised:
            openai_client.chat.completions.create(model="scripted", messages=USER)
        llm.inject(Fault.rate_limit(retry_after=0.01))
        with client(llm, max_retries=2) as openai_client:
            retried = openai_client.chat.completions.create(model="scripted", messages=USER)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "0.5"
    assert response.json() == {
        "error": {
            "message": "Too Many Requests (scripted fault)",
            "type": "rate_limit_error",
            "param": None,
            "code": "rate_limit_exceeded",
        }
    }
    assert raised.value.status_code == 429
    assert raised.value.response.headers["retry-after"] == "0.01"
    assert retried.choices[0].message.content == "You said: hello there"
    assert len(llm.requests) == 4  # the retried call hit the server twice


def test_server_errors_with_and_without_retry_after() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.server_error())
        default = post(llm, {"messages": USER})
        llm.inject(Fault.server_error(503, retry_after=None, message="overloaded"))
        unavailable = post(llm, {"messages": USER})
        llm.inject(Fault.server_error())
        with client(llm) as openai_client, pytest.raises(openai.InternalServerError) as raised:
            openai_client.chat.completions.create(model="scripted", messages=USER)
    assert default.status_code == 500 and default.headers["retry-after"] == "0"
    assert default.json()["error"]["type"] == "server_error"
    assert unavailable.status_code == 503 and "retry-after" not in unavailable.headers
    assert unavailable.json()["error"]["message"] == "overloaded"
    assert raised.value.status_code == 500


@pytest.mark.parametrize(
    ("code", "error_class", "error_type", "error_code"),
    [
        (400, openai.BadRequestError, "invalid_request_error", "bad_request"),
        (401, openai.AuthenticationError, "invalid_request_error", "invalid_api_key"),
        (404, openai.NotFoundError, "invalid_request_error", "model_not_found"),
        (422, openai.UnprocessableEntityError, "invalid_request_error", "unprocessable_entity"),
    ],
)
def test_status_faults_map_to_the_openai_client_errors(
    code: int, error_class: type[openai.APIStatusError], error_type: str, error_code: str
) -> None:
    with ScriptedLLM(echo()) as llm, client(llm) as openai_client:
        llm.inject(Fault.status(code, f"scripted {code}"))
        with pytest.raises(error_class) as raised:
            openai_client.chat.completions.create(model="scripted", messages=USER)
    assert raised.value.status_code == code
    assert raised.value.body == {
        "message": f"scripted {code}",
        "type": error_type,
        "param": None,
        "code": error_code,
    }
    assert "retry-after" not in raised.value.response.headers


def test_slow_fault_fires_a_client_timeout_then_the_server_answers_again() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.slow(3))
        started = time.monotonic()
        with client(llm, timeout=0.3) as openai_client, pytest.raises(openai.APITimeoutError):
            openai_client.chat.completions.create(model="scripted", messages=USER)
        assert time.monotonic() - started < 2.5
        llm.inject(Fault.slow(3))
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(llm.base_url + "/chat/completions", json={"messages": USER}, timeout=0.3)
        llm.inject(Fault.slow(0.2))
        started = time.monotonic()
        slow_but_fine = post(llm, {"messages": USER}).json()
        waited = time.monotonic() - started
    assert slow_but_fine["choices"][0]["message"]["content"] == "You said: hello there"
    assert waited >= 0.2


def test_malformed_body_makes_the_openai_client_raise() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.malformed(), times=3)
        raw = post(llm, {"messages": USER})
        with client(llm) as openai_client:
            with pytest.raises((ValueError, openai.APIError)):
                openai_client.chat.completions.create(model="scripted", messages=USER)
            with pytest.raises((ValueError, openai.APIError)):
                list(openai_client.chat.completions.create(model="scripted", messages=USER, stream=True))
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        raw.json()


def test_truncated_stream_raises_in_the_client_after_partial_content() -> None:
    received: list[str] = []
    with ScriptedLLM(echo()) as llm, client(llm) as openai_client:
        llm.inject(Fault.truncated_stream(), times=2)
        stream = openai_client.chat.completions.create(model="scripted", messages=USER, stream=True)
        with pytest.raises((httpx.RemoteProtocolError, openai.APIError)):
            for chunk in stream:
                received.append(chunk.choices[0].delta.content or "")
        with pytest.raises(openai.APIConnectionError):  # a plain request gets half its JSON body
            openai_client.chat.completions.create(model="scripted", messages=USER)
        after = openai_client.chat.completions.create(model="scripted", messages=USER)
    assert "".join(received) == "This answer is cut "
    assert after.choices[0].message.content == "You said: hello there"


def test_truncated_stream_with_urllib_is_an_incomplete_read() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.truncated_stream())
        request = urllib.request.Request(
            llm.base_url + "/chat/completions",
            data=json.dumps({"messages": USER, "stream": True}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response, pytest.raises(http.client.IncompleteRead):
            response.read()


def test_http_1_0_clients_get_the_stream_until_the_server_closes() -> None:
    body = json.dumps({"messages": USER, "stream": True}).encode()
    with ScriptedLLM(echo()) as llm, socket.create_connection(("127.0.0.1", llm.port), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, payload = received.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding" not in head and b"Connection: close" in head
    events = [line[6:] for line in payload.decode().split("\n\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    content = "".join(json.loads(event)["choices"][0]["delta"].get("content") or "" for event in events[:-1])
    assert content == "You said: hello there"


def test_an_unserializable_reply_is_a_clean_500() -> None:
    with ScriptedLLM(lambda request: Reply(tool_calls=[ScriptedToolCall("add", {"when": object()})])) as llm:
        plain = post(llm, {"messages": USER})
        streamed = post(llm, {"messages": USER, "stream": True})
    for response in (plain, streamed):
        assert response.status_code == 500
        assert "cannot be sent: TypeError" in response.json()["error"]["message"]


def test_injected_faults_hit_the_next_n_requests_in_order_then_the_handler_answers() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.server_error(), times=2)
        llm.inject(Fault.status(401))
        assert llm.pending_faults == 3
        statuses = [post(llm, {"messages": USER}).status_code for _ in range(5)]
        assert llm.pending_faults == 0
    assert statuses == [500, 500, 401, 200, 200]
    assert len(llm.requests) == 5  # recorded before the faults ran


def test_a_handler_may_return_faults() -> None:
    def handler(request: ChatRequest) -> Reply | Fault:
        if request.last_user_message == "limit":
            return Fault.rate_limit(retry_after=2)
        if request.last_user_message == "slow":
            return Fault.slow(0.1, reply=Reply(content="finally"))
        return Reply(content="fine")

    with ScriptedLLM(handler) as llm:
        limited = post(llm, {"messages": [{"role": "user", "content": "limit"}]})
        slow = post(llm, {"messages": [{"role": "user", "content": "slow"}]})
        fine = post(llm, {"messages": USER})
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert slow.json()["choices"][0]["message"]["content"] == "finally"
    assert fine.json()["choices"][0]["message"]["content"] == "fine"


def test_a_failing_handler_gives_500_and_the_server_keeps_serving() -> None:
    def handler(request: ChatRequest) -> Reply:
        if request.last_user_message == "boom":
            raise RuntimeError("scripted handler exploded")
        if request.last_user_message == "wrong":
            return "not a reply"
        return Reply(content="still here")

    with ScriptedLLM(handler) as llm, client(llm) as openai_client:
        with pytest.raises(openai.InternalServerError) as raised:
            openai_client.chat.completions.create(model="scripted", messages=[{"role": "user", "content": "boom"}])
        wrong = post(llm, {"messages": [{"role": "user", "content": "wrong"}]})
        after = openai_client.chat.completions.create(model="scripted", messages=USER)
    assert raised.value.status_code == 500
    assert "RuntimeError: scripted handler exploded" in raised.value.message
    assert wrong.status_code == 500 and "not a Reply or a Fault" in wrong.json()["error"]["message"]
    assert after.choices[0].message.content == "still here"


def test_fault_constructors_check_their_arguments() -> None:
    with pytest.raises(ValueError, match="5xx"):
        Fault.server_error(404)
    with pytest.raises(ValueError, match="400-599"):
        Fault.status(200)
    with pytest.raises(ValueError):
        Fault.rate_limit(retry_after=-1)
    with ScriptedLLM(echo()) as llm, pytest.raises(ValueError, match="times"):
        llm.inject(Fault.malformed(), times=0)


# -- recorded requests and their helpers ---------------------------------------------------------


def test_requests_are_recorded_parsed_and_in_order() -> None:
    with ScriptedLLM(echo()) as llm, client(llm) as openai_client:
        openai_client.chat.completions.create(
            model="scripted",
            messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "first"}],
            tools=TOOLS,
            temperature=0.5,
        )
        llm.inject(Fault.status(401))
        with pytest.raises(openai.AuthenticationError):
            openai_client.chat.completions.create(model="other", messages=[{"role": "user", "content": "second"}])
        list(
            openai_client.chat.completions.create(
                model="scripted", messages=[{"role": "user", "content": "third"}], stream=True
            )
        )
        recorded = llm.requests
        llm.reset()
        assert llm.requests == []

    assert [request.last_user_message for request in recorded] == ["first", "second", "third"]
    first = recorded[0]
    assert first.model == "scripted"
    assert first.system_prompt == "Be brief."
    assert first.tool_names == ["add", "multiply"]
    assert first.tools == TOOLS
    assert first.raw["temperature"] == 0.5
    assert first.response_format is None and first.stream is False
    assert recorded[1].model == "other" and recorded[1].system_prompt is None
    assert recorded[2].stream is True


def test_chat_request_helpers_read_the_run_from_its_messages() -> None:
    messages = [
        {"role": "system", "content": [{"type": "text", "text": "Sys"}]},
        {"role": "user", "content": "old question"},
        {"role": "assistant", "content": "old answer"},
        {"role": "user", "content": [{"type": "text", "text": "new "}, {"type": "text", "text": "question"}]},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1"}]},
        {"role": "tool", "tool_call_id": "c1", "content": "r1"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c2"}]},
        {"role": "tool", "tool_call_id": "c2", "content": "r2"},
    ]
    request = ChatRequest.from_body({"model": "m", "messages": messages})
    assert request.last_user_message == "new question"
    assert request.turn == 2
    assert [result["content"] for result in request.tool_results] == ["r1", "r2"]
    assert request.system_prompt == "Sys"
    assert ChatRequest.from_body({"messages": USER}).turn == 0
    with pytest.raises(ValueError, match="messages"):
        ChatRequest.from_body({"messages": "hi"})


# -- the plan policy -----------------------------------------------------------------------------


def test_plan_follows_its_steps_by_turn_derived_from_the_history() -> None:
    handler = plan([[("add", {"a": 1, "b": 2}), ("multiply", {"a": 2, "b": 3})], [("add", {"a": 3, "b": 6})]])
    with ScriptedLLM(handler) as llm, client(llm) as openai_client:

        def ask(messages: list[dict[str, Any]]) -> Any:
            return openai_client.chat.completions.create(model="scripted", messages=messages, tools=TOOLS)

        history: list[dict[str, Any]] = [{"role": "user", "content": "compute"}]
        first = ask(history)
        history.append(assistant_with_calls(first))
        for call, result in zip(first.choices[0].message.tool_calls or [], ["3", "6"], strict=True):
            history.append({"role": "tool", "tool_call_id": call.id, "content": result})
        second = ask(history)
        history.append(assistant_with_calls(second))
        history.append({"role": "tool", "tool_call_id": second.choices[0].message.tool_calls[0].id, "content": "9"})
        final = ask(history)
        history += [
            {"role": "assistant", "content": final.choices[0].message.content},
            {"role": "user", "content": "again"},
        ]
        restarted = ask(history)

    assert [call.function.name for call in first.choices[0].message.tool_calls or []] == ["add", "multiply"]
    assert json.loads(second.choices[0].message.tool_calls[0].function.arguments) == {"a": 3, "b": 6}
    assert second.choices[0].message.tool_calls[0].id.startswith("call_1_")
    assert final.choices[0].message.content == "Done: 3; 6; 9"
    assert final.choices[0].finish_reason == "stop"
    assert [request.turn for request in llm.requests] == [0, 1, 2, 0]
    assert restarted.choices[0].message.tool_calls[0].function.name == "add"


def test_plan_text_json_reply_and_final_steps() -> None:
    handler = plan(["text step", {"k": [1, 2]}, Reply(content="exact", usage=Usage(1, 2))], final="the end")
    turns = [[{"role": "user", "content": "q"}] + [{"role": "assistant", "content": "x"}] * turn for turn in range(4)]
    with ScriptedLLM(handler) as llm:
        answers = [post(llm, {"messages": messages}).json() for messages in turns]
    contents = [answer["choices"][0]["message"]["content"] for answer in answers]
    assert contents == ["text step", '{"k": [1, 2]}', "exact", "the end"]
    assert answers[2]["usage"] == {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}


def test_plan_without_final_echoes_when_no_tool_ran() -> None:
    with ScriptedLLM(plan([])) as llm:
        body = post(llm, {"messages": USER}).json()
    assert body["choices"][0]["message"]["content"] == "You said: hello there"


def test_plan_rejects_malformed_steps() -> None:
    with pytest.raises(TypeError, match="step 0"):
        plan([[("add",)]])
    with pytest.raises(ValueError, match="empty"):
        plan([[]])
    with pytest.raises(TypeError, match="step 1"):
        plan(["ok", 42])


def test_plan_from_json_reads_the_cli_format() -> None:
    handler = plan_from_json(
        {"steps": [[{"tool": "add", "arguments": {"a": 1, "b": 1}}, ["multiply", {"a": 2, "b": 2}]]], "final": "fin"}
    )
    first = handler(ChatRequest.from_body({"messages": USER}))
    last = handler(ChatRequest.from_body({"messages": [*USER, {"role": "assistant", "content": None}]}))
    assert isinstance(first, Reply) and isinstance(last, Reply)
    assert [(call.name, call.arguments) for call in first.tool_calls] == [
        ("add", {"a": 1, "b": 1}),
        ("multiply", {"a": 2, "b": 2}),
    ]
    assert last.content == "fin"
    with pytest.raises(ValueError):
        plan_from_json({"steps": "nope"})


# -- structured output ---------------------------------------------------------------------------


class Color(StrEnum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    street: str = Field(min_length=12)
    number: int = Field(ge=3, le=9)
    tags: list[str] = Field(min_length=2)


class Report(BaseModel):
    title: str
    score: float = Field(gt=1.5)
    count: int
    ok: bool
    color: Color
    kind: Literal["summary", "detail"]
    address: Address
    previous: Address | None
    children: list[Report]
    notes: str | None = None
    ratio: float = 0.5


def test_generated_instance_validates_against_a_pydantic_schema() -> None:
    instance = example_for(Report.model_json_schema())
    report = Report.model_validate_json(json.dumps(instance))
    assert report.color is Color.RED and report.kind == "summary"
    assert report.score > 1.5 and 3 <= report.address.number <= 9
    assert len(report.address.street) >= 12 and len(report.address.tags) == 2
    assert report.previous is not None and report.children == []


def test_structured_output_requests_get_schema_valid_json() -> None:
    with ScriptedLLM(plan([[("add", {"a": 1, "b": 1})]])) as llm, client(llm) as openai_client:
        history: list[dict[str, Any]] = [
            {"role": "user", "content": "report"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"id": "c", "type": "function", "function": {"name": "add", "arguments": "{}"}}],
            },
            {"role": "tool", "tool_call_id": "c", "content": "2"},
        ]
        parsed = openai_client.chat.completions.parse(model="scripted", messages=history, response_format=Report)
        raw_schema = {"type": "json_schema", "json_schema": {"name": "Report", "schema": Report.model_json_schema()}}
        plain = post(llm, {"messages": history, "response_format": raw_schema}).json()
        json_object = post(llm, {"messages": history, "response_format": {"type": "json_object"}}).json()
        text_format = post(llm, {"messages": history, "response_format": {"type": "text"}}).json()
    assert isinstance(parsed.choices[0].message.parsed, Report)
    Report.model_validate_json(plain["choices"][0]["message"]["content"])
    assert json.loads(json_object["choices"][0]["message"]["content"]) == {"answer": "Done: 2"}
    assert text_format["choices"][0]["message"]["content"] == "Done: 2"
    assert llm.requests[0].response_format is not None
    assert llm.requests[0].response_format["type"] == "json_schema"


def test_json_answer_and_echo_with_response_formats() -> None:
    schema_format = {"type": "json_schema", "json_schema": {"name": "A", "schema": Address.model_json_schema()}}
    with ScriptedLLM(json_answer({"fixed": True})) as fixed, ScriptedLLM(json_answer()) as generated:
        fixed_body = post(fixed, {"messages": USER}).json()
        generated_body = post(generated, {"messages": USER, "response_format": schema_format}).json()
        empty_body = post(generated, {"messages": USER}).json()
    with ScriptedLLM(echo()) as echoing:
        echoed = post(echoing, {"messages": USER, "response_format": schema_format}).json()
    assert json.loads(fixed_body["choices"][0]["message"]["content"]) == {"fixed": True}
    Address.model_validate_json(generated_body["choices"][0]["message"]["content"])
    assert empty_body["choices"][0]["message"]["content"] == "{}"
    Address.model_validate_json(echoed["choices"][0]["message"]["content"])


def test_example_for_handles_refs_bounds_formats_and_recursion() -> None:
    schema = {
        "type": "object",
        "required": ["when", "id", "small", "pair", "fixed", "maybe", "tree", "flag"],
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "small": {"type": "integer", "exclusiveMaximum": -3},
            "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}]},
            "fixed": {"const": 7},
            "maybe": {"type": ["null", "number"], "minimum": 2.5},
            "tree": {"$ref": "#/$defs/Node"},
            "flag": {"type": "boolean"},
        },
        "$defs": {
            "Node": {
                "type": "object",
                "required": ["child"],
                "properties": {"child": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}},
            }
        },
    }
    instance = example_for(schema)
    assert instance["when"] == "2024-01-01T00:00:00Z"
    assert instance["small"] == -4
    assert instance["pair"] == [0, False]
    assert instance["fixed"] == 7 and instance["maybe"] == 2.5 and instance["flag"] is False
    depth, node = 0, instance["tree"]
    while node is not None:
        depth, node = depth + 1, node["child"]
    assert 1 < depth < 20


# -- concurrency and lifecycle -------------------------------------------------------------------


def test_fifty_concurrent_runs_do_not_mix() -> None:
    handler = plan([[("lookup", {"key": "k"})]])
    with ScriptedLLM(handler) as llm, client(llm) as openai_client:

        def run(index: int) -> tuple[str | None, str | None]:
            history: list[dict[str, Any]] = [{"role": "user", "content": f"question {index}"}]
            first = openai_client.chat.completions.create(model="scripted", messages=history)
            call = (first.choices[0].message.tool_calls or [])[0]
            history.append(assistant_with_calls(first))
            history.append({"role": "tool", "tool_call_id": call.id, "content": f"result {index}"})
            final = openai_client.chat.completions.create(model="scripted", messages=history)
            return call.id, final.choices[0].message.content

        barrier = threading.Barrier(50)

        def synchronized(index: int) -> tuple[str | None, str | None]:
            barrier.wait(timeout=30)
            return run(index)

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(synchronized, range(50)))

    assert [content for _, content in results] == [f"Done: result {index}" for index in range(50)]
    assert len({call_id for call_id, _ in results}) == 50
    assert len(llm.requests) == 100
    assert sorted(request.turn for request in llm.requests) == [0] * 50 + [1] * 50


async def test_async_context_manager_with_the_async_openai_client() -> None:
    async with ScriptedLLM(plan(["async answer"])) as llm:
        async with openai.AsyncOpenAI(base_url=llm.base_url, api_key="k", max_retries=0) as async_client:
            answers = await asyncio.gather(
                *(async_client.chat.completions.create(model="scripted", messages=USER) for _ in range(5))
            )
        url = llm.base_url
    assert [answer.choices[0].message.content for answer in answers] == ["async answer"] * 5
    with pytest.raises(RuntimeError, match="not running"):
        _ = llm.base_url
    async with httpx.AsyncClient(timeout=2) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(url + "/models")


def test_start_stop_lifecycle_and_dropped_keep_alive_connections() -> None:
    llm = ScriptedLLM(echo())
    with pytest.raises(RuntimeError):
        _ = llm.port
    assert llm.start() is llm
    with pytest.raises(RuntimeError, match="already running"):
        llm.start()
    connection = http.client.HTTPConnection("127.0.0.1", llm.port, timeout=5)
    connection.request("GET", "/v1/models")
    assert json.loads(connection.getresponse().read())["data"][0]["id"] == "scripted"
    llm.stop()
    llm.stop()  # idempotent
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        connection.request("GET", "/v1/models")
        connection.getresponse()
    connection.close()
    llm.start()  # a stopped server can start again, on a new port
    try:
        assert post(llm, {"messages": USER}).status_code == 200
    finally:
        llm.stop()


def test_non_loopback_hosts_are_refused_unless_allowed() -> None:
    with pytest.raises(ValueError, match="allow_remote"):
        ScriptedLLM(echo(), host="0.0.0.0")
    with pytest.raises(ValueError, match="allow_remote"):
        ScriptedLLM(echo(), host="example.com")
    assert ScriptedLLM(echo(), host="0.0.0.0", allow_remote=True).host == "0.0.0.0"
    with ScriptedLLM(echo(), host="localhost") as llm:
        assert post(llm, {"messages": USER}).status_code == 200


async def test_any_llm_drives_the_scripted_model_by_its_model_id() -> None:
    from any_llm import AnyLLM

    async with ScriptedLLM(plan([[("add", {"a": 1, "b": 2})]])) as llm:
        provider_name, model_name = llm.model_id.split(":")
        provider = AnyLLM.create(provider_name, api_key="unused", api_base=llm.base_url)
        try:
            completion: Any = await provider.acompletion(model_name, USER, tools=TOOLS)
        finally:
            await provider.client.close()  # the provider's AsyncOpenAI client holds a pooled connection
    call = completion.choices[0].message.tool_calls[0]
    assert (call.function.name, json.loads(call.function.arguments)) == ("add", {"a": 1, "b": 2})
    assert completion.usage.prompt_tokens == 10


# -- the serve CLI -------------------------------------------------------------------------------


def test_serve_cli_prints_its_url_and_answers(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps([[{"tool": "add", "arguments": {"a": 2, "b": 2}}], "four"]))
    command = [sys.executable, "-m", "any_agent.testing.serve", "--plan", str(plan_file), "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.fullmatch(
                r"any-agent scripted LLM on (http://127\.0\.0\.1:\d+/v1) \(model id openai:scripted\)\n", line
            )
            assert match, line
            base_url = match.group(1)
            first = httpx.post(base_url + "/chat/completions", json={"messages": USER}, timeout=10).json()
            history = [*USER, {"role": "assistant", "content": None}, {"role": "tool", "content": "4"}]
            second = httpx.post(base_url + "/chat/completions", json={"messages": history}, timeout=10).json()
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert first["choices"][0]["message"]["tool_calls"][0]["function"] == {
        "name": "add",
        "arguments": '{"a": 2, "b": 2}',
    }
    assert second["choices"][0]["message"]["content"] == "four"
    assert process.returncode == 0


def test_serve_cli_refuses_a_remote_host_without_the_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "any_agent.testing.serve", "--policy", "echo", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "allow_remote" in result.stderr and result.stdout == ""


# -- what became of each stream -------------------------------------------------------------------

LONG = Reply(content="A slow answer, streamed in many small pieces so the client can leave early.")


def test_every_stream_is_recorded_with_how_it_ended() -> None:
    with ScriptedLLM(echo()) as llm, client(llm) as openai_client:
        list(openai_client.chat.completions.create(model="scripted", messages=USER, stream=True))
        llm.inject(Fault.truncated_stream())
        with pytest.raises((httpx.RemoteProtocolError, openai.APIError)):
            list(openai_client.chat.completions.create(model="scripted", messages=USER, stream=True))
        openai_client.chat.completions.create(model="scripted", messages=USER)  # not a stream: not recorded
        completed, cut = llm.wait_for_streams()
    assert (completed.end, completed.sent == completed.chunks, completed.closed_by_client) == ("completed", True, False)
    assert (cut.end, cut.sent, cut.chunks) == ("cut", 2, 2)
    assert completed.request.stream and completed.request.last_user_message == "hello there"


def test_a_slow_stream_sees_the_client_close_the_connection_mid_answer() -> None:
    with ScriptedLLM(plan([], final=LONG.content)) as llm, client(llm) as openai_client:
        llm.inject(Fault.slow_stream(30))  # a chunk every 30 s after the first two: only a close ends it early
        with openai_client.chat.completions.create(model="scripted", messages=USER, stream=True) as stream:
            texts = [chunk.choices[0].delta.content for chunk in itertools.islice(stream, 2)]
        [record] = llm.wait_for_streams(timeout=10)
    assert texts == ["", LONG.content[:16]]  # the burst: the role chunk and the first piece
    assert record.closed_by_client and record.end == "client_closed"
    assert (record.sent, record.chunks) == (2, len(range(0, len(LONG.content), 16)) + 2)


def test_a_slow_stream_read_to_the_end_is_complete_and_the_same_answer() -> None:
    with ScriptedLLM(echo()) as llm, client(llm) as openai_client:
        llm.inject(Fault.slow_stream(0.01, reply=LONG))
        chunks = list(openai_client.chat.completions.create(model="scripted", messages=USER, stream=True))
        llm.inject(Fault.slow_stream(0.01, reply=LONG))
        plain = openai_client.chat.completions.create(model="scripted", messages=USER)
        [record] = llm.wait_for_streams()
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == LONG.content
    assert plain.choices[0].message.content == LONG.content
    assert (record.end, record.sent) == ("completed", record.chunks)


def test_stopping_the_server_ends_a_slow_stream_without_blaming_the_client() -> None:
    llm = ScriptedLLM(echo()).start()
    llm.inject(Fault.slow_stream(30))
    with client(llm) as openai_client:
        stream = openai_client.chat.completions.create(model="scripted", messages=USER, stream=True)
        next(iter(stream))
        llm.stop()
        with pytest.raises((httpx.HTTPError, openai.APIError)):
            list(stream)
    [record] = llm.wait_for_streams(timeout=10)
    assert record.end == "server_stopped" and not record.closed_by_client


def test_a_slow_stream_fault_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="positive"):
        Fault.slow_stream(-1)
    with pytest.raises(ValueError, match="burst"):
        Fault.slow_stream(1, burst=-1)


def test_waiting_for_a_stream_that_never_ends_is_bounded() -> None:
    with ScriptedLLM(echo()) as llm, client(llm) as openai_client:
        llm.inject(Fault.slow_stream(30))
        stream = openai_client.chat.completions.create(model="scripted", messages=USER, stream=True)
        next(iter(stream))
        with pytest.raises(TimeoutError, match="1 stream"):
            llm.wait_for_streams(timeout=0.2)
        stream.close()
        [record] = llm.wait_for_streams(timeout=10)
    assert record.closed_by_client
