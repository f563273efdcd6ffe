"""any_agent.eval in-process: every check kind on every installed framework, on the scripted model."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from any_agent import AgentConfig
from any_agent.errors import ConfigError
from any_agent.eval import Endpoint, EvalResults, Latency, evaluate, evaluate_async, load_cases, parse_cases
from any_agent.testing import ChatRequest, Reply, ScriptedLLM
from tests.eval.scripted import agent_and_judge, get_weather
from tests.frameworks import FRAMEWORKS

CASES = [
    {
        "id": "paris",
        "input": "What is the weather in Paris?",
        "checks": [
            {"contains": "21 C"},
            {"regex": r"\d+ C, sunny"},
            {"tool_called": {"name": "get_weather", "arguments": {"city": "Paris"}}},
            {"max_turns": 2},
            {"judge": "The answer mentions Paris."},
        ],
    },
    {"id": "rome-snow", "input": "And the weather in Rome?", "checks": [{"judge": "The answer mentions snow."}]},
    {
        "id": "oslo-args",
        "input": "weather in Oslo",
        "checks": [{"tool_called": {"name": "get_weather", "arguments": {"city": "Paris"}}}],
    },
    {
        "id": "json",
        "input": "Give me the weather as JSON",
        "checks": [
            {
                "json_schema": {
                    "type": "object",
                    "required": ["city", "celsius"],
                    "properties": {"celsius": {"type": "integer"}},
                }
            },
            {"equals": {"city": "Paris", "celsius": 21}},
            {"json_schema": {"type": "object", "properties": {"celsius": {"type": "string"}}}},
        ],
    },
    {
        "id": "hello",
        "input": "hello",
        "checks": [{"equals": "You said: hello"}, {"max_cost": 0.01}, {"tool_called": "get_weather"}],
    },
    {"id": "loop", "input": "ask forever", "checks": [{"contains": "never reached"}]},
]


def config_for(llm: ScriptedLLM) -> AgentConfig:
    return AgentConfig(
        name="weather",
        model_id=llm.model_id,
        api_base=llm.base_url,
        instructions="Use the tools.",
        tools=[get_weather],
        max_turns=3,
        max_retries=0,
    )


def verdicts(results: EvalResults, framework: str) -> dict[str, list[tuple[str, bool, str]]]:
    return {
        run.case_id: [(check.kind, check.passed, check.reason) for check in run.checks]
        for run in results.runs
        if run.framework == framework and run.repeat == 0
    }


def test_every_check_decides_the_same_on_every_framework() -> None:
    seen: list[tuple[str, str, int]] = []
    with ScriptedLLM(agent_and_judge) as llm:
        judge = Endpoint(model_id=llm.model_id, api_base=llm.base_url)
        results = evaluate(
            config_for(llm),
            CASES,
            frameworks=FRAMEWORKS,
            repeats=2,
            judge=judge,
            on_run=lambda run: seen.append((run.case_id, run.framework, run.repeat)),
        )
    assert len(results.runs) == len(seen) == len(CASES) * len(FRAMEWORKS) * 2
    assert sorted(seen) == sorted((*run.key[:2], run.repeat) for run in results.runs)
    expected = verdicts(results, "tiny")
    paris = expected["paris"]
    assert [(kind, passed) for kind, passed, _ in paris] == [
        ("contains", True),
        ("regex", True),
        ("tool_called", True),
        ("max_turns", True),
        ("judge", True),
    ]
    assert paris[3][2] == "2 model call(s), limit 2"
    assert expected["rome-snow"] == [("judge", False, "the answer does not mention snow")]
    assert expected["oslo-args"][0][1] is False and "never called with" in expected["oslo-args"][0][2]
    assert [passed for _, passed, _ in expected["json"]] == [True, True, False]
    assert expected["json"][2][2] == "celsius: 21 is not of type 'string'"
    hello = expected["hello"]
    assert [passed for _, passed, _ in hello] == [True, False, False]
    assert "cost is unknown" in hello[1][2] and hello[2][2] == "get_weather was not called (called: no tool)"
    assert expected["loop"] == []  # a failed run is not checked: its failure is the reason
    for framework in FRAMEWORKS:
        assert verdicts(results, framework) == expected, framework
    by_cell = {(cell.case_id, cell.framework): cell for cell in results.cells}
    for framework in FRAMEWORKS:
        assert by_cell[("paris", framework)].pass_rate == 1.0
        assert by_cell[("rome-snow", framework)].failures == [
            "run 1: judge: the answer does not mention snow",
            "run 2: judge: the answer does not mention snow",
        ]
        loop = by_cell[("loop", framework)]
        assert loop.pass_rate == 0.0 and all("run failed:" in failure for failure in loop.failures)
        assert {run.run.error_type for run in loop.runs} == {"MaxTurnsExceeded"}
    for row in results.matrix:
        assert (row.passed, len(row.runs)) == (2, 12)  # paris on both repeats, nothing else
        assert row.pass_rate == pytest.approx(2 / 12)
        assert row.failed_cases == ["rome-snow", "oslo-args", "json", "hello", "loop"]
        assert row.input_tokens > 0 and row.output_tokens > 0 and row.cost is None
        assert row.latency is not None and 0 < row.latency.median <= row.latency.p95
    assert not results.all_passed and results.errors == {}


def test_a_framework_that_is_not_installed_fails_its_own_runs_only() -> None:
    with ScriptedLLM(agent_and_judge) as llm:
        results = evaluate(
            config_for(llm),
            [{"input": "weather in Lima", "checks": [{"contains": "Lima"}]}],
            frameworks=["tiny", "nope"],
        )
    tiny, nope = results.matrix
    assert tiny.pass_rate == 1.0 and nope.pass_rate == 0.0
    (run,) = nope.runs
    assert run.run.error_type == "ConfigError" and "nope" in (run.run.error or "")
    assert list(results.errors) == [f"nope {llm.model_id}"]


def test_two_model_endpoints_each_get_their_own_concurrency_limit() -> None:
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}
    lock = threading.Lock()

    def counting(request: ChatRequest) -> Reply:
        with lock:
            in_flight[request.model] = in_flight.get(request.model, 0) + 1
            most[request.model] = max(most.get(request.model, 0), in_flight[request.model])
        time.sleep(0.02)  # let concurrent runs overlap
        with lock:
            in_flight[request.model] -= 1
        return Reply(content="ok")

    cases = [{"input": f"task {number}", "checks": [{"equals": "ok"}]} for number in range(12)]
    with ScriptedLLM(counting, model="a") as a, ScriptedLLM(counting, model="b") as b:
        config = AgentConfig(model_id=a.model_id, api_base=a.base_url, max_retries=0)
        results = evaluate(
            config,
            cases,
            models=[
                Endpoint(model_id=a.model_id, api_base=a.base_url),
                Endpoint(model_id=b.model_id, api_base=b.base_url),
            ],
            concurrency=8,
            per_endpoint=2,
        )
    assert results.all_passed and results.models == ["openai:a", "openai:b"]
    assert [len(row.runs) for row in results.matrix] == [12, 12]
    assert 1 <= most["a"] <= 2 and 1 <= most["b"] <= 2


async def test_the_async_api_and_the_json_document_round_trip() -> None:
    with ScriptedLLM(agent_and_judge) as llm:
        results = await evaluate_async(
            config_for(llm), [{"input": "weather in Kyiv", "checks": [{"contains": "Kyiv"}]}]
        )
    document = json.loads(results.model_dump_json())
    assert document["schema_version"] == 1 and document["kind"] == "eval"
    assert document["matrix"][0]["pass_rate"] == 1.0 and document["cells"][0]["failures"] == []
    assert "runs" not in document["matrix"][0]  # each run is in the document once, under "runs"
    assert document["runs"][0]["run"]["trace"]["spans"]
    again = EvalResults.model_validate(document)
    assert again.model_dump_json() == results.model_dump_json()


def test_p95_is_an_observed_value() -> None:
    assert Latency.of([]) is None
    assert Latency.of([3.0]) == Latency(median=3.0, p95=3.0)
    values = [float(number) for number in range(1, 21)]
    assert Latency.of(values) == Latency(median=10.5, p95=19.0)


def test_cases_from_yaml_and_jsonl_with_short_and_full_check_forms(tmp_path: Path) -> None:
    yaml_file = tmp_path / "cases.yaml"
    yaml_file.write_text(
        "cases:\n"
        "  - input: hi\n"
        "    checks:\n"
        "      - contains: {text: HI, ignore_case: true}\n"
        "      - tool_called: search\n"
        "      - json_schema: {type: object}\n"
        "      - judge: {rubric: polite, model: 'openai:gpt-4.1-mini'}\n"
        "  - {id: second, input: bye}\n",
        encoding="utf-8",
    )
    first, second = load_cases(yaml_file)
    assert (first.id, second.id) == ("case-1", "second")
    assert [check.kind for check in first.checks] == ["contains", "tool_called", "json_schema", "judge"]
    assert first.checks[0].ignore_case and first.checks[3].model == "openai:gpt-4.1-mini"  # type: ignore[union-attr]
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text('{"input": "a", "checks": [{"max_turns": 2}]}\n\n{"input": "b"}\n', encoding="utf-8")
    assert [case.input for case in load_cases(jsonl)] == ["a", "b"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"input": "x", "checks": [{"regex": "("}]}], "not a valid regular expression"),
        ([{"input": "x", "checks": [{"contain": "a"}]}], "unknown check 'contain'"),
        ([{"input": "x", "checks": [{"max_turns": 0}]}], "greater than or equal to 1"),
        ([{"input": "x", "checks": [{"json_schema": {"type": 3}}]}], "not a valid JSON schema"),
        ([{"id": "a", "input": "x"}, {"id": "a", "input": "y"}], "two cases are named 'a'"),
        ([{"input": ""}], "input"),
        ([], "no cases"),
    ],
)
def test_a_bad_case_is_refused_when_read(items: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_cases(items)


def test_a_bad_cases_file_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "cases.jsonl"
    bad.write_text('{"input": "a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cases.jsonl:2: not JSON"):
        load_cases(bad)
    with pytest.raises(ConfigError, match=r"a cases file is \.yaml, \.yml or \.jsonl"):
        (tmp_path / "cases.txt").write_text("input: a", encoding="utf-8")
        load_cases(tmp_path / "cases.txt")
    with pytest.raises(ConfigError, match="cannot read the cases file"):
        load_cases(tmp_path / "missing.yaml")
