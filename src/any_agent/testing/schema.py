"""A minimal valid instance of a JSON schema, for structured-output answers nobody scripted.

Structured output is validated by the framework against the user's model; a scripted answer must
pass that validation without the test writing one by hand for every output type.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["example_for", "response_schema"]

_MAX_DEPTH = 8
"""How deep nested schemas are followed; past it, optional branches are left empty (recursive models)."""

_STRING_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def response_schema(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """The JSON schema inside a request's ``response_format``, or None when it carries none.

    Accepts the chat-completions shape (``{"type": "json_schema", "json_schema": {"schema": ...}}``)
    and, leniently, a bare schema under ``schema``.
    """
    if not response_format:
        return None
    wrapper = response_format.get("json_schema")
    if isinstance(wrapper, dict) and isinstance(wrapper.get("schema"), dict):
        return dict(wrapper["schema"])
    if isinstance(response_format.get("schema"), dict):
        return dict(response_format["schema"])
    return None


def example_for(schema: dict[str, Any], *, root: dict[str, Any] | None = None, depth: int = 0) -> Any:
    """A small instance valid for ``schema`` (required properties only, fewest array items).

    Handles the JSON-schema subset pydantic and OpenAI strict mode produce: ``$ref`` into
    ``$defs``/``definitions``, ``allOf``/``anyOf``/``oneOf``, nullable types, ``enum``/``const``,
    string formats and length bounds, numeric bounds, arrays, objects.
    """
    root = schema if root is None else root
    if "$ref" in schema:
        return example_for(_resolve(root, str(schema["$ref"])), root=root, depth=depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if isinstance(schema.get("allOf"), list):
        merged = _merge_all_of(schema, root)
        return example_for(merged, root=root, depth=depth)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return example_for(_pick_branch(schema[key], depth), root=root, depth=depth + 1)
    kind = _type_of(schema, depth)
    if kind == "object":
        return _object(schema, root, depth)
    if kind == "array":
        return _array(schema, root, depth)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return _integer(schema)
    if kind == "number":
        return _number(schema)
    if kind == "boolean":
        return False
    return None


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#"):
        raise ValueError(f"cannot follow the external reference {ref!r}")
    target: Any = root
    for part in filter(None, ref[1:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            raise ValueError(f"the reference {ref!r} points nowhere in the schema")
        target = target[part]
    if not isinstance(target, dict):
        raise ValueError(f"the reference {ref!r} does not point to a schema")
    return target


def _merge_all_of(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, dict):
            continue
        part = _resolve(root, str(part["$ref"])) if "$ref" in part else part
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required" and isinstance(value, list):
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def _is_null(branch: Any) -> bool:
    return isinstance(branch, dict) and branch.get("type") == "null"


def _pick_branch(branches: list[Any], depth: int) -> dict[str, Any]:
    # A real value is more useful to a test than null, unless recursion must end.
    options = [branch for branch in branches if isinstance(branch, dict)]
    concrete = [branch for branch in options if not _is_null(branch)]
    nulls = [branch for branch in options if _is_null(branch)]
    if nulls and (depth >= _MAX_DEPTH or not concrete):
        return nulls[0]
    return concrete[0] if concrete else {}


def _type_of(schema: dict[str, Any], depth: int) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        concrete = [item for item in kind if item != "null"]
        if "null" in kind and (depth >= _MAX_DEPTH or not concrete):
            return "null"
        kind = concrete[0] if concrete else None
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return None


def _object(schema: dict[str, Any], root: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = [name for name in schema.get("required", []) if isinstance(name, str)]
    instance: dict[str, Any] = {}
    for name in required:
        subschema = properties.get(name) if properties else None
        instance[name] = example_for(subschema, root=root, depth=depth + 1) if isinstance(subschema, dict) else None
    return instance


def _array(schema: dict[str, Any], root: dict[str, Any], depth: int) -> list[Any]:
    prefix = [item for item in schema.get("prefixItems", []) if isinstance(item, dict)]
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    count = max(int(schema.get("minItems", 0)), len(prefix))
    return [
        example_for(prefix[index] if index < len(prefix) else items or {}, root=root, depth=depth + 1)
        for index in range(count)
    ]


def _string(schema: dict[str, Any]) -> str:
    text = _STRING_FORMATS.get(str(schema.get("format", "")), "example")
    minimum = int(schema.get("minLength", 0))
    maximum = schema.get("maxLength")
    if len(text) < minimum:
        text += "x" * (minimum - len(text))
    if isinstance(maximum, int) and len(text) > maximum:
        text = text[:maximum]
    return text


def _number_value(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _bounds(schema: dict[str, Any]) -> tuple[float | None, float | None, bool, bool]:
    """The lower and upper bounds, and whether each is exclusive."""
    low, high = _number_value(schema.get("minimum")), _number_value(schema.get("maximum"))
    low_open, high_open = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    # Draft 4 writes exclusiveMinimum as a flag next to minimum; later drafts as the bound itself.
    low_strict, high_strict = low_open is True, high_open is True
    if _number_value(low_open) is not None:
        low, low_strict = _number_value(low_open), True
    if _number_value(high_open) is not None:
        high, high_strict = _number_value(high_open), True
    return low, high, low_strict, high_strict


def _too_low(value: float, low: float | None, strict: bool) -> bool:
    return low is not None and (value <= low if strict else value < low)


def _too_high(value: float, high: float | None, strict: bool) -> bool:
    return high is not None and (value >= high if strict else value > high)


def _integer(schema: dict[str, Any]) -> int:
    low, high, low_strict, high_strict = _bounds(schema)
    value = 0
    if low is not None and _too_low(value, low, low_strict):
        value = math.floor(low) + 1 if low_strict else math.ceil(low)
    elif high is not None and _too_high(value, high, high_strict):
        value = math.ceil(high) - 1 if high_strict else math.floor(high)
    return value


def _number(schema: dict[str, Any]) -> float:
    low, high, low_strict, high_strict = _bounds(schema)
    value = 0.0
    if low is not None and _too_low(value, low, low_strict):
        value = low + 1 if low_strict else low
        if _too_high(value, high, high_strict) and high is not None:
            value = (low + high) / 2
    elif high is not None and _too_high(value, high, high_strict):
        value = high - 1 if high_strict else high
    return value
