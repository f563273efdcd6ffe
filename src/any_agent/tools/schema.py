"""A tool's JSON schema and argument validator, from a Python callable.

The signature and type hints give a pydantic model (which both validates arguments and writes the
JSON schema); the docstring, in Google, NumPy or Sphinx style, gives the tool's description and each
parameter's (docstring-parser reads all three, so no hand-written parser here).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from any_agent.errors import ToolDefinitionError

__all__ = ["MAX_TOOL_NAME", "FunctionSchema", "function_schema", "provider_safe_name"]

# Parameters the model can never fill: it sends one JSON object of named arguments.
_VARIADIC_KINDS = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
_UNSAFE_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9_-]")
MAX_TOOL_NAME = 64


def provider_safe_name(name: str) -> str:
    """``name`` as providers accept tool names (``^[a-zA-Z0-9_-]{1,64}$``): others become ``_``, cut to 64."""
    return _UNSAFE_NAME_CHARACTER.sub("_", name)[:MAX_TOOL_NAME] or "_"


@dataclass(frozen=True)
class FunctionSchema:
    """What the tool boundary knows of one callable."""

    name: str
    description: str
    arguments_model: type[BaseModel]
    json_schema: dict[str, Any]

    def to_call_kwargs(self, arguments: BaseModel) -> dict[str, Any]:
        """Keyword arguments for the callable, keeping validated values (models stay models)."""
        return {name: getattr(arguments, name) for name in type(arguments).model_fields}


def function_schema(func: Callable[..., Any], *, name: str | None = None, field: str = "tools") -> FunctionSchema:
    """Describe ``func`` as a tool; raise `ToolDefinitionError` naming what to fix."""
    tool_name = name or getattr(func, "__name__", None)
    if not tool_name or tool_name == "<lambda>":
        raise ToolDefinitionError("a tool needs a name: use a def'd function, not a lambda", field=field)
    try:
        signature = inspect.signature(func)
        hints = get_type_hints(func, include_extras=True)
    except (TypeError, ValueError, NameError) as error:
        raise ToolDefinitionError(f"cannot read the signature of {tool_name!r}: {error}", field=field) from None

    import docstring_parser  # loaded with the first tool, not with `import any_agent`

    doc = docstring_parser.parse(inspect.getdoc(func) or "")
    param_docs = {param.arg_name: param.description for param in doc.params if param.description}
    fields: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.kind in _VARIADIC_KINDS:
            raise ToolDefinitionError(
                f"tool {tool_name!r} takes {_VARIADIC_KINDS[param.kind]}{param.name}, which a model can never "
                "fill (it sends named arguments that match the schema); give each parameter a name and a type hint",
                field=field,
            )
        if param.name not in hints:
            raise ToolDefinitionError(
                f"parameter {param.name!r} of tool {tool_name!r} has no type hint; the model needs one "
                f"to know what to send (e.g. `{param.name}: str`)",
                field=field,
            )
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], Field(default, description=param_docs.get(param.name)))

    description = "\n\n".join(part for part in (doc.short_description, doc.long_description) if part)
    try:
        model = create_model(f"{tool_name}_arguments", __config__=ConfigDict(extra="forbid"), **fields)
        schema = model.model_json_schema()
    except Exception as error:  # pydantic raises several types for unsupported annotations
        raise ToolDefinitionError(
            f"tool {tool_name!r} has a parameter type that cannot be described as JSON: {error}", field=field
        ) from None
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    return FunctionSchema(provider_safe_name(tool_name), description, model, schema)
