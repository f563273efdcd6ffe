r"""Evaluation cases: an input and the checks its answer must pass, read from YAML or JSONL.

A check is written as a one-key mapping, the way people write them by hand::

    - contains: Paris
    - regex: "\\d+ ?°C"
    - tool_called: {name: get_weather, arguments: {city: Paris}}
    - judge: The answer names the city and a temperature.

and parsed into one typed model per kind, so a typo or a bad regex fails when the file is read,
never half-way through a thousand runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from any_agent.errors import ConfigError

__all__ = [
    "Case",
    "Check",
    "Contains",
    "Equals",
    "JsonSchema",
    "Judge",
    "MaxCost",
    "MaxTurns",
    "Regex",
    "ToolCalled",
    "load_cases",
    "parse_cases",
]


class _Check(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contains(_Check):
    """The answer's text contains ``text``."""

    kind: Literal["contains"] = "contains"
    text: str
    ignore_case: bool = False
    """Compare without regard to letter case."""


class Regex(_Check):
    """The answer's text matches ``pattern`` somewhere (`re.search`)."""

    kind: Literal["regex"] = "regex"
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a valid regular expression: {error}") from None
        return value


class Equals(_Check):
    """The answer is exactly ``value``: the same text (surrounding whitespace aside) or the same JSON."""

    kind: Literal["equals"] = "equals"
    value: Any


class JsonSchema(_Check):
    """The answer (structured output, or text that parses as JSON) is valid against ``schema``."""

    kind: Literal["json_schema"] = "json_schema"
    json_schema: dict[str, Any] = Field(alias="schema")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)

    @field_validator("json_schema")
    @classmethod
    def _valid_schema(cls, value: dict[str, Any]) -> dict[str, Any]:
        import jsonschema  # type: ignore[import-untyped]

        try:
            jsonschema.validators.validator_for(value).check_schema(value)
        except jsonschema.SchemaError as error:
            raise ValueError(f"not a valid JSON schema: {error.message}") from None
        return value


class ToolCalled(_Check):
    """The run called tool ``name``; with ``arguments``, at least once with those (a subset match)."""

    kind: Literal["tool_called"] = "tool_called"
    name: str
    arguments: dict[str, Any] | None = None


class MaxTurns(_Check):
    """The run made at most ``turns`` model calls."""

    kind: Literal["max_turns"] = "max_turns"
    turns: int = Field(ge=1)


class MaxCost(_Check):
    """The run cost at most ``cost`` (USD); a run whose cost is unknown fails it, saying so."""

    kind: Literal["max_cost"] = "max_cost"
    cost: float = Field(ge=0)


class Judge(_Check):
    """An LLM judge reads the input and the answer and decides, with a reason, whether ``rubric`` holds."""

    kind: Literal["judge"] = "judge"
    rubric: str = Field(min_length=1)
    model: str | None = None
    """The judge's ``provider:model`` id; default: the judge model given to the evaluation."""


Check: TypeAlias = Annotated[
    Contains | Regex | Equals | JsonSchema | ToolCalled | MaxTurns | MaxCost | Judge, Field(discriminator="kind")
]

# The short forms: ``{kind: scalar}`` means ``{kind: {<field>: scalar}}``.
_SHORT_FIELD = {
    "contains": "text",
    "regex": "pattern",
    "equals": "value",
    "json_schema": "schema",
    "tool_called": "name",
    "max_turns": "turns",
    "max_cost": "cost",
    "judge": "rubric",
}


def _expand_check(raw: Any) -> Any:
    """``{"contains": "x"}`` → ``{"kind": "contains", "text": "x"}``; typed and full forms pass through."""
    if isinstance(raw, BaseModel) or not isinstance(raw, dict) or "kind" in raw:
        return raw
    if len(raw) != 1:
        raise ValueError(f"a check is one mapping such as {{contains: text}}, not {raw!r}")
    ((kind, value),) = raw.items()
    if kind not in _SHORT_FIELD:
        raise ValueError(f"unknown check {kind!r}; the checks are: {', '.join(_SHORT_FIELD)}")
    if kind == "equals" or not isinstance(value, dict) or (kind == "json_schema" and "schema" not in value):
        return {"kind": kind, _SHORT_FIELD[kind]: value}
    return {"kind": kind, **value}


class Case(BaseModel):
    """One task: what to ask the agent, and what its answer and run must satisfy."""

    model_config = ConfigDict(extra="forbid")

    id: str = ""
    """A name for the case, unique in its file; default: ``case-<n>`` (its position, from 1)."""
    input: str = Field(min_length=1)
    """The prompt."""
    checks: list[Check] = Field(default_factory=list)
    """All must pass for a run to pass. No checks: a run passes when it ends without error."""

    @model_validator(mode="before")
    @classmethod
    def _short_checks(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("checks"), list):
            return {**data, "checks": [_expand_check(check) for check in data["checks"]]}
        return data


_CASES = TypeAdapter(list[Case])


def parse_cases(items: Sequence[Any], *, source: str = "cases") -> list[Case]:
    """Validate case mappings (or `Case` objects); `ConfigError` names the case and field at fault."""
    try:
        cases = _CASES.validate_python(list(items))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{source}: case {where}: {first['msg']}") from None
    seen: set[str] = set()
    for number, case in enumerate(cases, start=1):
        if not case.id:
            case.id = f"case-{number}"
        if case.id in seen:
            raise ConfigError(f"{source}: two cases are named {case.id!r}; give each its own id")
        seen.add(case.id)
    if not cases:
        raise ConfigError(f"{source}: no cases")
    return cases


def load_cases(path: str | Path) -> list[Case]:
    """Read ``.yaml``/``.yml`` (a list, or a mapping with ``cases:``) or ``.jsonl`` (one case a line)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the cases file {file}: {error.strerror}") from None
    suffix = file.suffix.lower()
    if suffix == ".jsonl":
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError as error:
                raise ConfigError(f"{file}:{number}: not JSON ({error})") from None
        return parse_cases(items, source=str(file))
    if suffix not in (".yaml", ".yml"):
        raise ConfigError(f"{file}: a cases file is .yaml, .yml or .jsonl")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{file}: not valid YAML ({error})") from None
    if isinstance(data, dict) and set(data) <= {"cases"}:
        data = data.get("cases")
    if not isinstance(data, list):
        raise ConfigError(f"{file}: expected a list of cases (or a mapping with a 'cases' list)")
    return parse_cases(data, source=str(file))
