from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from any_agent import AgentConfig, ConfigError


def test_model_id_shape_is_checked_with_an_example() -> None:
    with pytest.raises(ValidationError) as info:
        AgentConfig(model_id="gpt-4.1-mini")
    assert "model_id" in str(info.value)
    assert "provider:model" in str(info.value)


def test_extra_fields_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        AgentConfig(model_id="openai:gpt-4.1-mini", temprature=0.2)  # type: ignore[call-arg]
    assert "temprature" in str(info.value)


def test_api_key_is_never_printed_or_serialized() -> None:
    config = AgentConfig(model_id="openai:gpt-4.1-mini", api_key="sk-secret-value-123")
    assert "sk-secret-value-123" not in repr(config)
    assert "sk-secret-value-123" not in str(config)
    assert "sk-secret-value-123" not in config.model_dump_json()
    assert "sk-secret-value-123" not in json.dumps(config.to_file_data())


def test_yaml_file_with_tools_by_import_path(tmp_path: Path) -> None:
    (tmp_path / "my_tools.py").write_text("def shout(text: str) -> str:\n    '''Shout.'''\n    return text.upper()\n")
    file = tmp_path / "agent.yaml"
    file.write_text(
        "name: shouter\nmodel_id: openai:gpt-4.1-mini\nframework: tiny\ntools:\n  - my_tools:shout\nmax_turns: 3\n"
    )
    config = AgentConfig.from_file(file)
    assert config.name == "shouter"
    assert config.max_turns == 3
    assert config.tools[0]("hi") == "HI"
    assert config.to_file_data()["tools"] == ["my_tools:shout"]


def test_toml_file_and_overrides(tmp_path: Path) -> None:
    file = tmp_path / "agent.toml"
    file.write_text('name = "t"\nmodel_id = "openai:gpt-4.1-mini"\n[model_args]\ntemperature = 0.1\n')
    config = AgentConfig.from_file(file, framework="LangGraph", model_id="ollama:llama3.2")
    assert config.framework == "langgraph"
    assert config.model_id == "ollama:llama3.2"
    assert config.model_args == {"temperature": 0.1}


def test_bad_file_errors_name_the_file_and_field(tmp_path: Path) -> None:
    file = tmp_path / "agent.yaml"
    file.write_text("model_id: openai:x\nmax_turns: 0\ntools: [nowhere.module:thing]\n")
    with pytest.raises(ConfigError) as info:
        AgentConfig.from_file(file)
    message = str(info.value)
    assert str(file) in message
    assert "max_turns" in message
    assert "nowhere.module" in message


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    file = tmp_path / "agent.yaml"
    file.write_text("model_id: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        AgentConfig.from_file(file)
    with pytest.raises(ConfigError, match="cannot read"):
        AgentConfig.from_file(tmp_path / "missing.yaml")
    other = tmp_path / "agent.json"
    other.write_text("{}")
    with pytest.raises(ConfigError, match=r"\.yaml, \.yml or \.toml"):
        AgentConfig.from_file(other)
