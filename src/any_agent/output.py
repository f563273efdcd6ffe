"""Turning a framework's final answer into what `AgentTrace.final_output` promises."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

__all__ = ["OutputError", "coerce_output", "strip_code_fence"]


class OutputError(ValueError):
    """The final answer does not fit `AgentConfig.output_type`."""


def coerce_output(value: Any, output_type: type[BaseModel] | None) -> Any:
    """``value`` as text, or as an ``output_type`` instance when one is set.

    A text answer is always a string: a model that answered nothing gives ``""`` on every framework
    (some frameworks report no answer as None, others as an empty string).
    """
    if output_type is None:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, BaseModel):
            return value.model_dump_json()
        return json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)
    if isinstance(value, output_type):
        return value
    try:
        if isinstance(value, BaseModel):
            return output_type.model_validate(value.model_dump())
        if isinstance(value, str):
            return output_type.model_validate_json(strip_code_fence(value))
        return output_type.model_validate(value)
    except ValidationError as error:
        raise OutputError(
            f"the final answer does not fit output_type {output_type.__name__}: {error.errors()[0]['msg']} "
            f"(answer: {str(value)[:200]!r})"
        ) from None


def strip_code_fence(text: str) -> str:
    """JSON that a model wrapped in a Markdown code fence, unwrapped."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        stripped = stripped.rsplit("```", 1)[0]
    return stripped.strip()
