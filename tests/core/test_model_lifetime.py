"""Provider clients are closed by the core, on the loop that owns their connections."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from any_agent import Agent, AgentConfig
from any_agent.model.route import ModelRoute
from any_agent.testing import ScriptedLLM, echo

MESSAGES = [{"role": "user", "content": "hello"}]


def _record_closes(provider: Any, closed_on: list[threading.Thread]) -> None:
    original = provider.client.close

    async def close() -> None:
        closed_on.append(threading.current_thread())
        await original()

    provider.client.close = close


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(echo()) as server:
        yield server


def test_a_loops_client_is_closed_when_the_loop_shuts_down(llm: ScriptedLLM) -> None:
    route = ModelRoute(llm.model_id, api_base=llm.base_url)
    closed_on: list[threading.Thread] = []

    async def call() -> Any:
        provider = await route.provider_for_this_loop()
        _record_closes(provider, closed_on)
        await provider.acompletion(route.model_id.model, MESSAGES)  # opens a keep-alive connection
        assert await route.provider_for_this_loop() is provider  # one per loop
        return provider

    provider = asyncio.run(call())

    assert closed_on == [threading.current_thread()]
    assert provider.client.is_closed()


def test_a_route_dropped_as_its_loop_ends_still_has_its_client_closed(llm: ScriptedLLM) -> None:
    """``asyncio.run`` cancels the tasks still pending at its end, a just-scheduled close among them."""
    closed_on: list[threading.Thread] = []

    async def call() -> Any:
        route = ModelRoute(llm.model_id, api_base=llm.base_url)
        provider = await route.provider_for_this_loop()
        _record_closes(provider, closed_on)
        await provider.acompletion(route.model_id.model, MESSAGES)
        del route
        gc.collect()
        return provider.client

    client = asyncio.run(call())

    assert closed_on == [threading.current_thread()]
    assert client.is_closed()


def test_a_dropped_routes_clients_are_closed_on_their_own_loop(llm: ScriptedLLM) -> None:
    """The SDK would close a collected client on whatever loop runs where it is collected.

    Here the route's loop runs in a thread in debug mode (which rejects calls from other threads),
    and the route is collected in the main thread while another loop runs there, as happens when a
    framework runs agents on threads with loops of their own.
    """
    owner = asyncio.new_event_loop()
    owner.set_debug(True)
    owner_errors: list[dict[str, Any]] = []
    owner.set_exception_handler(lambda loop, context: owner_errors.append(context))
    owner_thread = threading.Thread(target=owner.run_forever, daemon=True)
    owner_thread.start()
    closed_on: list[threading.Thread] = []
    try:
        route = ModelRoute(llm.model_id, api_base=llm.base_url)

        async def call(route: ModelRoute) -> None:
            provider = await route.provider_for_this_loop()
            _record_closes(provider, closed_on)
            await provider.acompletion(route.model_id.model, MESSAGES)

        asyncio.run_coroutine_threadsafe(call(route), owner).result(timeout=30)
        del route

        other_errors: list[dict[str, Any]] = []

        async def collect_here() -> None:
            asyncio.get_running_loop().set_exception_handler(lambda loop, context: other_errors.append(context))
            gc.collect()
            await asyncio.sleep(0.5)
            gc.collect()  # reports a task that failed and was never awaited

        asyncio.run(collect_here())
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0.1), owner).result(timeout=30)

        assert other_errors == []  # before the fix: the SDK's close, run here, touching `owner` (rejected)
        assert owner_errors == []
        assert closed_on == [owner_thread]
    finally:
        owner.call_soon_threadsafe(owner.stop)
        owner_thread.join(timeout=10)
        owner.close()


def test_closing_an_agent_closes_its_connections_and_it_can_run_again(llm: ScriptedLLM) -> None:
    async def main() -> None:
        async with Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url)) as agent:
            await agent.run_async("one")
            client = (await agent._model.primary.provider_for_this_loop()).client
        assert client.is_closed()
        trace = await agent.run_async("two")  # opens a new client
        assert trace.final_output == "You said: two"
        assert (await agent._model.primary.provider_for_this_loop()).client is not client

    asyncio.run(main())


def test_closing_an_agent_from_sync_code_closes_the_background_loops_client(llm: ScriptedLLM) -> None:
    with Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url)) as agent:
        agent.run("one")  # on the background loop
        clients = [provider.client for provider in agent._model.primary._providers.values()]
    assert len(clients) == 1
    assert clients[0].is_closed()
