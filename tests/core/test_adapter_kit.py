"""The adapter kit: what every adapter shares, tested once."""

from __future__ import annotations

import pytest

from any_agent import ConfigError
from any_agent.adapter_kit import check_agent_args, content_text


def test_an_owned_key_names_the_field_to_use_instead() -> None:
    with pytest.raises(
        ConfigError, match=r"agent_args: 'llm' is set by any-agent for fw: use AgentConfig.model_id"
    ) as caught:
        check_agent_args({"llm": 1}, framework="fw", accepted={"llm", "verbose"}, owned={"llm": "AgentConfig.model_id"})
    assert caught.value.field == "agent_args"


def test_a_typo_gets_a_did_you_mean_hint_and_the_accepted_keys() -> None:
    with pytest.raises(ConfigError) as caught:
        check_agent_args({"verbos": True, "zzz": 1}, framework="fw", accepted={"verbose", "max_iter"})
    assert str(caught.value) == (
        "agent_args: fw takes no 'verbos' (did you mean 'verbose'?), 'zzz'; it takes max_iter, verbose"
    )


def test_accepted_keys_pass() -> None:
    check_agent_args({"verbose": True}, framework="fw", accepted={"verbose"}, owned={"llm": "AgentConfig.model_id"})


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("plain", "plain"),
        (None, ""),
        ([{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {"url": "x"}}, "b"], "ab"),
        ({"k": 1}, '{"k": 1}'),
    ],
)
def test_content_is_flattened_the_same_way_everywhere(content: object, text: str) -> None:
    assert content_text(content) == text
