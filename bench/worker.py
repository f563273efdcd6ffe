"""One benchmark variant in a process of its own, driven by `run.py` over stdin/stdout (JSON lines).

``python worker.py VARIANT BASE_URL``. VARIANT is ``floor``, ``native-<fw>``, ``ours-<fw>``
(optionally ``ours-<fw>+noop`` for a no-op tracer, ``ours-<fw>+baseline`` for the checkout in
``$BENCH_BASELINE``) or ``mozilla-<fw>`` (run with mozilla's venv).
Commands: ``{"cmd": "run", "scenario": s, "n": k}`` → per-run wall times in ns and the answers;
``{"cmd": "concurrent", "scenario": s, "n": k}`` → the wall time of k concurrent runs;
``{"cmd": "stream", "scenario": s, "n": k}`` → per-run times to the first answer text and to the end of
a streamed run (the framework's own streaming for ``native-<fw>``, `Agent.stream_async` for ``ours-<fw>``);
``{"cmd": "rss"}`` → the process's peak RSS; ``{"cmd": "quit"}``.
A long-lived process, so start-up is never timed, and one per variant, so its peak RSS is its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from scenarios import API_KEY, INSTRUCTIONS, MODEL, SCENARIOS, get_weather

# The frameworks' own telemetry off, as any-agent's adapters set it (and as their docs say to).
os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")
os.environ.setdefault("CREWAI_DISABLE_VERSION_CHECK", "true")

Runner = Callable[[str], Awaitable[Any]]
Streamer = Callable[[str, Callable[[str], None]], Awaitable[Any]]
"""A streamed run: calls its second argument with each piece of answer text as it arrives, returns the answer."""


@dataclass
class Subject:
    """What a variant runs: a plain run, and a streamed one where the variant can stream."""

    run: Runner
    stream: Streamer | None = None


def maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def floor(base_url: str) -> Runner:
    """The bare model calls through any-llm and a direct tool call: no agent, no framework, no tracing."""
    from any_llm import AnyLLM

    provider = AnyLLM.create("openai", api_key=API_KEY, api_base=base_url)
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string", "description": "The city's name."}},
                "required": ["city"],
            },
        },
    }

    async def run(prompt: str) -> Any:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": prompt},
        ]
        while True:
            completion = await provider.acompletion(MODEL, messages, tools=[tool])
            message = completion.choices[0].message
            if not message.tool_calls:
                return message.content
            messages.append(message.model_dump(include={"role", "content", "tool_calls"}))
            for call in message.tool_calls:
                result = get_weather(**json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})

    return run


async def native_openai(base_url: str) -> Subject:
    """The OpenAI Agents SDK with a chat-completions model on a custom client, as its docs show."""
    from agents import Agent, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled
    from openai import AsyncOpenAI

    set_tracing_disabled(True)  # the SDK's docs: no OpenAI key for its trace export with other providers
    client = AsyncOpenAI(base_url=base_url, api_key=API_KEY)
    agent = Agent(
        name="bench",
        instructions=INSTRUCTIONS,
        model=OpenAIChatCompletionsModel(model=MODEL, openai_client=client),
        tools=[function_tool(get_weather)],
    )

    async def run(prompt: str) -> Any:
        return (await Runner.run(agent, prompt)).final_output

    async def stream(prompt: str, on_text: Callable[[str], None]) -> Any:
        # The SDK's documented token streaming: raw response events carrying text deltas.
        from openai.types.responses import ResponseTextDeltaEvent

        result = Runner.run_streamed(agent, prompt)
        async for event in result.stream_events():
            if event.type == "raw_response_event" and isinstance(event.data, ResponseTextDeltaEvent):
                on_text(event.data.delta)
        return result.final_output

    return Subject(run, stream)


async def native_langgraph(base_url: str) -> Subject:
    """LangChain v1 `create_agent` (a LangGraph graph) with `ChatOpenAI`, as its docs show."""
    # langchain-openai is not a dependency of the project: run.py installs it (with the project's
    # versions of everything it shares) into an overlay that only this variant puts on its path.
    sys.path.append(str(Path(__file__).parent / ".venvs" / "overlay"))
    from langchain.agents import create_agent
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(model=MODEL, base_url=base_url, api_key=API_KEY)  # type: ignore[arg-type]
    agent = create_agent(model, tools=[get_weather], system_prompt=INSTRUCTIONS)

    async def run(prompt: str) -> Any:
        state = await agent.ainvoke({"messages": [{"role": "user", "content": prompt}]})
        return state["messages"][-1].content

    async def stream(prompt: str, on_text: Callable[[str], None]) -> Any:
        # LangGraph's documented token streaming: stream_mode="messages" yields (chunk, metadata) pairs.
        from langchain_core.messages import AIMessageChunk

        pieces = []
        state = {"messages": [{"role": "user", "content": prompt}]}
        async for chunk, _ in agent.astream(state, stream_mode="messages"):
            if isinstance(chunk, AIMessageChunk) and chunk.text:
                on_text(chunk.text)
                pieces.append(chunk.text)
        return "".join(pieces)

    return Subject(run, stream)


async def native_crewai(base_url: str) -> Subject:
    """A CrewAI `Agent` with an OpenAI-compatible `LLM`, run with `kickoff`, as its docs show."""
    from crewai import LLM, Agent, Crew, Task
    from crewai.tools import tool
    from crewai.types.streaming import StreamChunkType

    llm = LLM(model=f"openai/{MODEL}", base_url=base_url, api_key=API_KEY)
    agent = Agent(
        role="bench",
        goal="Respond to the user's request.",
        backstory=INSTRUCTIONS,
        llm=llm,
        tools=[tool("get_weather")(get_weather)],
        verbose=False,
    )

    async def run(prompt: str) -> Any:
        # The documented synchronous `kickoff`, on a thread: inside a running event loop CrewAI
        # would hand back a coroutine instead (its Flow detection).
        return (await asyncio.to_thread(agent.kickoff, prompt)).raw

    async def stream(prompt: str, on_text: Callable[[str], None]) -> Any:
        # CrewAI streams a Crew (``stream=True``), not a lone ``Agent.kickoff``: its documented way.
        task = Task(description=prompt, expected_output="Respond to the user's request.", agent=agent)
        crew = Crew(agents=[agent], tasks=[task], stream=True, verbose=False)
        streaming = await crew.kickoff_async()
        async for chunk in streaming:
            if chunk.chunk_type is StreamChunkType.TEXT and chunk.content:
                on_text(chunk.content)
        return streaming.result.raw

    return Subject(run, stream)


async def native_ag2(base_url: str) -> Subject:
    """An `ag2.Agent` with its `OpenAIConfig` pointed at the server, as its docs show."""
    import ag2
    from ag2.config import OpenAIConfig
    from ag2.events.conditions import TypeCondition
    from ag2.events.types import ModelMessageChunk

    def agent(streaming: bool) -> Any:
        config = OpenAIConfig(model=MODEL, base_url=base_url, api_key=API_KEY, streaming=streaming)
        return ag2.Agent("bench", INSTRUCTIONS, config=config, tools=[get_weather])

    plain, streamed = agent(False), agent(True)

    async def run(prompt: str) -> Any:
        reply = await plain.ask(prompt)
        return await reply.content()

    async def stream(prompt: str, on_text: Callable[[str], None]) -> Any:
        # AG2's documented streaming: a streaming config, and a subscriber to the run's chunk events.
        async with streamed.run(prompt) as turn:

            def chunk(event: ModelMessageChunk) -> None:
                on_text(event.content)

            turn.stream.subscribe(chunk, condition=TypeCondition(ModelMessageChunk), sync_to_thread=False)
            reply = await turn.result()
        return await reply.content()

    return Subject(run, stream)


async def native_pydantic_ai(base_url: str) -> Subject:
    """A pydantic-ai `Agent` with its `OpenAIChatModel` on an `OpenAIProvider(base_url=...)`, as its docs show."""
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    model = OpenAIChatModel(MODEL, provider=OpenAIProvider(base_url=base_url, api_key=API_KEY))
    agent = Agent(model, instructions=INSTRUCTIONS, tools=[get_weather])

    async def run(prompt: str) -> Any:
        return (await agent.run(prompt)).output

    return Subject(run)


async def native_smolagents(base_url: str) -> Subject:
    """smolagents' `ToolCallingAgent` with its `OpenAIModel` pointed at the server, as its docs show."""
    from smolagents import OpenAIModel, ToolCallingAgent, tool
    from smolagents.monitoring import LogLevel

    model = OpenAIModel(model_id=MODEL, api_base=base_url, api_key=API_KEY)
    # One agent, run once at a time (`run` resets its memory): a smolagents agent is stateful.
    agent = ToolCallingAgent(
        tools=[tool(get_weather)], model=model, instructions=INSTRUCTIONS, verbosity_level=LogLevel.OFF
    )

    async def run(prompt: str) -> Any:
        return await asyncio.to_thread(agent.run, prompt)  # smolagents is synchronous

    return Subject(run)


async def native_llama_index(base_url: str) -> Subject:
    """LlamaIndex's `FunctionAgent` with `OpenAILike` pointed at the server, as its docs show."""
    # llama-index-llms-openai-like is not a dependency of the project (the adapter needs no LlamaIndex
    # LLM integration): run.py installs it into an overlay that only this variant puts on its path.
    sys.path.append(str(Path(__file__).parent / ".venvs" / "llama_index"))
    from llama_index.core.agent.workflow import FunctionAgent
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(
        model=MODEL,
        api_base=base_url,
        api_key=API_KEY,
        is_chat_model=True,
        is_function_calling_model=True,
        context_window=128_000,
    )
    # One agent for every run: a FunctionAgent keeps a run's state in that run's workflow context.
    agent = FunctionAgent(tools=[get_weather], llm=llm, system_prompt=INSTRUCTIONS, streaming=False)

    async def run(prompt: str) -> Any:
        return (await agent.run(user_msg=prompt)).response.content

    return Subject(run)


async def native_adk(base_url: str) -> Subject:
    """An ADK `LlmAgent` on `LiteLlm` pointed at the server (ADK's documented route to non-Gemini models),
    run by an `InMemoryRunner`, one session per run. Needs google-adk and litellm (its own venv)."""
    from google.adk.agents import LlmAgent
    from google.adk.models.lite_llm import LiteLlm
    from google.adk.runners import InMemoryRunner
    from google.genai import types

    model = LiteLlm(model=f"openai/{MODEL}", api_base=base_url, api_key=API_KEY)
    agent = LlmAgent(name="bench", model=model, instruction=INSTRUCTIONS, tools=[get_weather])
    runner = InMemoryRunner(agent=agent, app_name="bench")

    async def run(prompt: str) -> Any:
        session = await runner.session_service.create_session(app_name="bench", user_id="bench")
        message = types.Content(role="user", parts=[types.Part(text=prompt)])
        answer = ""
        async for event in runner.run_async(user_id="bench", session_id=session.id, new_message=message):
            if event.is_final_response() and event.content is not None:
                answer = "".join(part.text or "" for part in event.content.parts or [])
        return answer

    return Subject(run)


async def ours(base_url: str, framework: str, noop_tracer: bool = False) -> tuple[Subject, Any]:
    """The same agent through any-agent's adapter for ``framework``."""
    from any_agent import Agent, AgentConfig

    if noop_tracer:
        _patch_noop_tracer()
    agent = Agent.create(
        AgentConfig(
            framework=framework,
            name="bench",
            model_id=f"openai:{MODEL}",
            api_base=base_url,
            api_key=API_KEY,
            instructions=INSTRUCTIONS,
            tools=[get_weather],
        )
    )

    async def run(prompt: str) -> Any:
        return (await agent.run_async(prompt)).final_output

    async def stream(prompt: str, on_text: Callable[[str], None]) -> Any:
        answer = None
        async for event in agent.stream_async(prompt):
            if event.kind == "text_delta":
                on_text(event.text)
            elif event.kind == "run_finished":
                answer = event.trace.final_output
        return answer

    return Subject(run, stream), agent


def _patch_noop_tracer() -> None:
    """Bench only: every any-agent span on OpenTelemetry's no-op tracer (what a "tracing off" switch would cost).

    The core has no such switch; patching the three modules that create spans measures the price
    of the spans themselves. The runs' traces are then empty.
    """
    from opentelemetry import trace

    import any_agent.agent
    import any_agent.model.client
    import any_agent.tools.spec

    tracer = trace.NoOpTracer()
    for module in (any_agent.agent, any_agent.model.client, any_agent.tools.spec):
        module.get_tracer = lambda: tracer  # type: ignore[attr-defined]


def _patch_proposed_fixes() -> None:
    """Bench only: the two core fixes proposed in docs/benchmarks.md, to measure what they save.

    One tracer per provider instead of `TracerProvider.get_tracer` on every span, and the price
    lookup of `call_cost` cached per (model id, usage, response model).
    """
    import functools

    from opentelemetry import trace

    import any_agent.agent
    import any_agent.model.client
    import any_agent.tools.spec
    from any_agent.tracing import collector

    original = collector.get_tracer
    cache: dict[int, trace.Tracer] = {}

    def get_tracer() -> trace.Tracer:
        provider = trace.get_tracer_provider()
        tracer = cache.get(id(provider))
        if tracer is None:
            tracer = cache[id(provider)] = original()
        return tracer

    for module in (any_agent.agent, any_agent.model.client, any_agent.tools.spec):
        module.get_tracer = get_tracer  # type: ignore[attr-defined]
    any_agent.model.client.call_cost = functools.lru_cache(maxsize=256)(any_agent.model.client.call_cost)  # type: ignore[assignment]


def _use_baseline_checkout() -> None:
    """Bench only: import any-agent and its adapters from another checkout (``ours-<fw>+baseline``).

    ``BENCH_BASELINE`` names a checkout, e.g. ``git worktree add --detach /tmp/base HEAD``, so a change
    to the core can be timed against the code before it, interleaved in one `ab.py` run. The
    project's editable installs are path entries, so putting the checkout's first wins.
    """
    root = Path(os.environ["BENCH_BASELINE"])
    paths = [root / "src", *sorted((root / "adapters").glob("*/src"))]
    assert "any_agent" not in sys.modules, "the baseline must be imported first"
    sys.path[:0] = [str(path) for path in paths]


async def mozilla(base_url: str, framework: str) -> Runner:
    """mozilla-ai's any-agent 1.18 (PyPI ``any-agent``), from its own venv."""
    from any_agent import AgentConfig, AnyAgent  # type: ignore[attr-defined]

    config = AgentConfig(
        model_id=f"openai:{MODEL}",
        api_base=base_url,
        api_key=API_KEY,
        name="bench",
        instructions=INSTRUCTIONS,
        tools=[get_weather],
        callbacks=[],  # its default prints every span to the console (display, not abstraction)
    )
    agent = await AnyAgent.create_async(framework, config)

    async def run(prompt: str) -> Any:
        return (await agent.run_async(prompt)).final_output

    return run


async def build(variant: str, base_url: str) -> Subject:
    kind, _, framework = variant.partition("-")
    if kind == "floor":
        return Subject(await floor(base_url))
    if kind == "native":
        return await {
            "openai": native_openai,
            "langgraph": native_langgraph,
            "crewai": native_crewai,
            "ag2": native_ag2,
            "pydantic_ai": native_pydantic_ai,
            "smolagents": native_smolagents,
            "llama_index": native_llama_index,
            "adk": native_adk,
        }[framework](base_url)
    if kind == "ours":
        framework, _, mode = framework.partition("+")
        if mode == "baseline":
            _use_baseline_checkout()
        if mode == "cached":
            _patch_proposed_fixes()
        subject, _ = await ours(base_url, framework, noop_tracer=mode == "noop")
        return subject
    if kind == "mozilla":
        return Subject(await mozilla(base_url, framework))
    raise SystemExit(f"unknown variant {variant}")


async def serve(variant: str, base_url: str, protocol: Any) -> None:
    def send(payload: dict[str, Any]) -> None:
        protocol.write(json.dumps(payload) + "\n")
        protocol.flush()

    started = time.perf_counter_ns()
    subject = await build(variant, base_url)
    run = subject.run
    send({"ready": True, "setup_ns": time.perf_counter_ns() - started, "maxrss_kib": maxrss_kib()})
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        command = json.loads(line)
        try:
            if command["cmd"] == "quit":
                return
            if command["cmd"] == "rss":
                send({"maxrss_kib": maxrss_kib()})
            elif command["cmd"] == "run":
                prompt = SCENARIOS[command["scenario"]]["prompt"]
                times, answers = [], []
                for _ in range(command["n"]):
                    begin = time.perf_counter_ns()
                    answer = await run(prompt)
                    times.append(time.perf_counter_ns() - begin)
                    answers.append(str(answer))
                send({"ns": times, "answers": sorted(set(answers))})
            elif command["cmd"] == "stream":
                if subject.stream is None:
                    raise RuntimeError(f"{variant} has no streaming")
                send(await streamed_runs(subject.stream, SCENARIOS[command["scenario"]]["prompt"], command["n"]))
            elif command["cmd"] == "concurrent":
                prompt = SCENARIOS[command["scenario"]]["prompt"]
                begin = time.perf_counter_ns()
                results = await asyncio.gather(*(run(prompt) for _ in range(command["n"])), return_exceptions=True)
                wall = time.perf_counter_ns() - begin
                errors = [repr(r)[:300] for r in results if isinstance(r, BaseException)]
                answers = sorted({str(r) for r in results if not isinstance(r, BaseException)})
                send(
                    {
                        "wall_ns": wall,
                        "errors": errors[:3],
                        "n_errors": len(errors),
                        "answers": answers,
                        "maxrss_kib": maxrss_kib(),
                    }
                )
        except Exception as error:  # report, keep serving
            send({"error": f"{type(error).__name__}: {error}"[:2000]})


async def streamed_runs(stream: Streamer, prompt: str, n: int) -> dict[str, Any]:
    """``n`` streamed runs: the time to the first non-empty piece of answer text, and to the end."""
    first_ns, times, answers, texts, deltas = [], [], [], [], []
    for _ in range(n):
        pieces: list[str] = []
        first: list[int] = []

        def on_text(text: str, pieces: list[str] = pieces, first: list[int] = first) -> None:
            if text and not first:
                first.append(time.perf_counter_ns())
            pieces.append(text)

        begin = time.perf_counter_ns()
        answer = await stream(prompt, on_text)
        end = time.perf_counter_ns()
        first_ns.append((first[0] if first else end) - begin)
        times.append(end - begin)
        answers.append(str(answer))
        texts.append("".join(pieces))
        deltas.append(sum(1 for piece in pieces if piece))
    return {
        "first_text_ns": first_ns,
        "ns": times,
        "answers": sorted(set(answers)),
        "texts": sorted(set(texts)),
        "deltas": sorted(set(deltas)),
    }


def main() -> None:
    variant, base_url = sys.argv[1], sys.argv[2]
    # Frameworks print to stdout (CrewAI's panels...): the protocol gets its own copy of the fd.
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    asyncio.run(serve(variant, base_url, protocol))


if __name__ == "__main__":
    main()
