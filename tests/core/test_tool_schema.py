from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from any_agent import ToolDefinitionError, ToolSpec
from any_agent.tools.schema import function_schema


def google(city: str, days: int = 3) -> str:
    """Forecast the weather.

    Args:
        city: Which city.
        days: How many days ahead.
    """
    return city


def numpy_style(city: str, unit: Literal["C", "F"] = "C") -> str:
    """Current temperature.

    Parameters
    ----------
    city : str
        Which city.
    unit : str
        Celsius or Fahrenheit.
    """
    return city


def sphinx_style(city: str) -> str:
    """Air quality.

    :param city: Which city.
    """
    return city


@pytest.mark.parametrize(
    ("func", "description", "param_docs"),
    [
        (google, "Forecast the weather.", {"city": "Which city.", "days": "How many days ahead."}),
        (numpy_style, "Current temperature.", {"city": "Which city.", "unit": "Celsius or Fahrenheit."}),
        (sphinx_style, "Air quality.", {"city": "Which city."}),
    ],
)
def test_descriptions_come_from_every_docstring_style(func, description, param_docs) -> None:  # type: ignore[no-untyped-def]
    schema = function_schema(func)
    assert schema.description == description
    properties = schema.json_schema["properties"]
    assert {name: prop["description"] for name, prop in properties.items()} == param_docs
    assert schema.json_schema["additionalProperties"] is False


def test_defaults_and_required() -> None:
    schema = function_schema(google).json_schema
    assert schema["required"] == ["city"]
    assert schema["properties"]["days"]["default"] == 3
    assert schema["properties"]["days"]["type"] == "integer"
    assert function_schema(numpy_style).json_schema["properties"]["unit"]["enum"] == ["C", "F"]


def test_missing_type_hint_names_the_parameter() -> None:
    def untyped(city):  # type: ignore[no-untyped-def]
        return city

    with pytest.raises(ToolDefinitionError) as info:
        ToolSpec.from_callable(untyped, field_name="tools[2]")
    assert "tools[2]" in str(info.value)
    assert "'city'" in str(info.value)
    assert "type hint" in str(info.value)


def test_lambda_is_refused() -> None:
    with pytest.raises(ToolDefinitionError, match="name"):
        ToolSpec.from_callable(lambda x: x)


class Trip(BaseModel):
    origin: str
    destination: str


def plan_trip(trip: Trip) -> str:
    """Plan a trip."""
    return f"{trip.origin}->{trip.destination}"


def test_pydantic_model_arguments() -> None:
    spec = ToolSpec.from_callable(plan_trip)
    assert "$defs" in spec.parameters
    assert spec.validator is not None
    kwargs = spec.validator({"trip": {"origin": "A", "destination": "B"}})
    assert isinstance(kwargs["trip"], Trip)
