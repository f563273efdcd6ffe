"""`AgentConfig`: the one description of an agent that every framework runs.

The config is plain data (loadable from YAML or TOML), so switching framework is one field and an
agent file can be versioned, diffed and run from the command line.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from any_agent.errors import ConfigError
from any_agent.hooks.base import Hooks
from any_agent.model.ids import parse_model_id
from any_agent.tools.a2a import A2AAgentTool
from any_agent.tools.mcp.config import McpHttp, McpStdio, mcp_server_entry

__all__ = ["AgentConfig", "FallbackModel", "import_object"]

ToolLike = Callable[..., Any]

_AGENT_FILE_SUFFIXES = (".yaml", ".yml", ".toml")
_loading: ContextVar[tuple[Path, ...]] = ContextVar("any_agent_loading_files", default=())
"""The agent files being loaded, outermost first: files that reference each other in a cycle fail."""


@runtime_checkable
class AgentLike(Protocol):
    """An `any_agent.Agent` (or anything with its config that runs like one), usable as a tool."""

    config: AgentConfig

    async def run_async(self, prompt: Any, *, conversation_id: str | None = None) -> Any:
        """Run the agent (see `any_agent.Agent.run_async`)."""


class FallbackModel(BaseModel):
    """A model to fall back to, with its own endpoint and key."""

    model_config = ConfigDict(extra="forbid")

    model_id: str
    """The fallback's ``provider:model`` id."""
    api_base: str | None = None
    """Its base URL, when it is not the provider's default."""
    api_key: SecretStr | None = None
    """Its API key; when unset, any-llm reads the provider's usual environment variable."""

    @field_validator("model_id")
    @classmethod
    def _check_model_id(cls, value: str) -> str:
        parse_model_id(value)
        return value


class AgentConfig(BaseModel):
    """Everything needed to build and run one agent, independent of the framework that runs it."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, validate_assignment=True)

    model_id: str
    """The model, as any-llm's ``provider:model`` id (``openai:gpt-4.1-mini``, ``ollama:llama3.2``...)."""

    framework: str = "tiny"
    """Which installed adapter runs the agent: ``tiny`` (built in), ``crewai``, ``langgraph``, ``ag2``,
    ``openai``, or any third-party adapter registered in the ``any_agent.adapters`` entry-point group."""

    name: str = "any_agent"
    """The agent's name; it names the ``invoke_agent`` span and, where a framework wants one, its agent."""

    description: str | None = None
    """What the agent is for, in one sentence. Frameworks that describe agents to each other use it."""

    instructions: str | None = None
    """The system prompt: how the agent should behave."""

    api_base: str | None = None
    """The provider's base URL, for self-hosted, local or OpenAI-compatible servers."""

    api_key: SecretStr | None = None
    """The provider's API key. When unset, any-llm reads the provider's usual environment variable.
    It is a secret: never printed, serialized, logged or put in a span."""

    tools: list[ToolLike | McpStdio | McpHttp | AgentConfig | AgentLike | A2AAgentTool] = Field(default_factory=list)
    """Python callables (sync or async) the agent may call, MCP servers whose tools it may call, and
    other agents (an `Agent`, or an `AgentConfig` created on first call) it may hand tasks to, each
    on its own framework (see docs/multi-agent.md). In a config file, import paths such as
    ``package.module:function`` for callables, mappings for MCP servers (``command``/``args``/``env``
    for a stdio server, ``url``/``headers`` for a streamable-HTTP one; see `McpStdio` and `McpHttp`),
    the path of another agent file (``researcher.yaml``, relative to this file) or an inline
    agent (a mapping with a ``model_id``), and remote A2A agents (``{a2a: URL}``; see `A2AAgentTool`).
    Each callable needs type hints; its docstring describes it to the model."""

    output_type: type[BaseModel] | None = None
    """A pydantic model the final answer must fit (structured output). In a config file, an import
    path. When set, `AgentTrace.final_output` is an instance of it."""

    max_turns: int = Field(default=10, ge=1)
    """The most model calls one run may make. A turn is one model call plus the tool calls it asks
    for; a run that still wants another turn after this many raises `MaxTurnsExceeded`."""

    model_args: dict[str, Any] = Field(default_factory=dict)
    """Completion parameters passed to every model call (``temperature``, ``max_tokens``, ``seed``...)."""

    agent_args: dict[str, Any] = Field(default_factory=dict)
    """Framework-specific arguments passed through to the framework's own agent constructor."""

    request_timeout: float = Field(default=120.0, gt=0)
    """Seconds one model request may take before it counts as failed (and is retried)."""

    max_retries: int = Field(default=3, ge=0)
    """How many times a model call is retried after a 429, a 5xx or a timeout, with bounded backoff."""

    fallback_model_ids: list[FallbackModel] = Field(default_factory=list)
    """Models to try, in order, when the current one fails for good (after its retries): connection
    refused, timeout, 401/403, 404, 429 or 5xx. A plain ``provider:model`` string is enough when the
    fallback needs no endpoint or key of its own. Bad requests are never retried elsewhere."""

    constrained_decoding: bool | None = None
    """Make tool calls by decoding constrained to the tools' JSON schemas, for small local models that
    do not call tools reliably on their own (the server must support JSON-schema output, as llama.cpp,
    vLLM and Ollama do). ``None``: on for ``local:`` models, off otherwise."""

    fallback_policy: Literal["stay", "primary_first"] = "stay"
    """After a fallback served a call: ``stay`` on it for the rest of the run, or try the primary
    again first on every call (``primary_first``)."""

    hooks: list[Hooks] = Field(default_factory=list)
    """Hooks called at the run's boundaries, in this order (see `any_agent.hooks`): the run's start and
    end, before and after each model call and each tool call. Instances of `Hooks` subclasses
    (`InputGuardrail`, `ApproveTools`, `KeepLocal`, your own). In a config file, import paths of
    instances or of classes that take no arguments, or mappings ``{class: path, args: {...}}``."""

    _source_file: Path | None = PrivateAttr(default=None)

    @property
    def source_file(self) -> Path | None:
        """The agent file this config was loaded from (`from_file`), or None."""
        return self._source_file

    @field_validator("model_id")
    @classmethod
    def _check_model_id(cls, value: str) -> str:
        parse_model_id(value)
        return value

    @field_validator("hooks", mode="before")
    @classmethod
    def _import_hooks(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        return [_hook(item, f"hooks[{index}]") for index, item in enumerate(value)]

    @field_validator("fallback_model_ids", mode="before")
    @classmethod
    def _fallback_strings(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        return [{"model_id": item} if isinstance(item, str) else item for item in value]

    @field_validator("framework")
    @classmethod
    def _normalize_framework(cls, value: str) -> str:
        return value.strip().lower()

    @field_validator("tools", mode="before")
    @classmethod
    def _import_tools(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, list | tuple):
            return value
        folder = info.context.get("folder") if isinstance(info.context, dict) else None
        return [_tool_entry(item, index, folder) for index, item in enumerate(value)]

    @field_validator("output_type", mode="before")
    @classmethod
    def _import_output_type(cls, value: Any) -> Any:
        return import_object(value, "output_type") if isinstance(value, str) else value

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> AgentConfig:
        """Load a config from a YAML (``.yaml``/``.yml``) or TOML (``.toml``) file.

        Import paths in ``tools`` and ``output_type`` are resolved with the file's own folder on the
        import path too, so an agent file can sit next to the module that holds its tools.
        ``overrides`` replace fields of the file (the CLI's ``--framework`` and ``--model``).
        """
        import tomllib  # the parsers load with the first agent file, not with `import any_agent`

        import yaml

        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"cannot read agent file {file}: {error.strerror}") from None
        try:
            data = _parse(file, text)
        except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{file} is not valid {file.suffix.lstrip('.').upper()}: {error}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{file} must hold a mapping of AgentConfig fields at its top level")
        folder = str(file.resolve().parent)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        loading = _loading.get()
        if file.resolve() in loading:
            chain = " -> ".join(path.name for path in (*loading, file.resolve()))
            raise ConfigError(f"agent files reference each other in a cycle: {chain}")
        token = _loading.set((*loading, file.resolve()))
        try:
            config = cls.model_validate({**data, **overrides}, context={"folder": folder})
        except ValidationError as error:
            raise ConfigError(f"{file} is not a valid agent file:\n{_describe(error)}") from None
        finally:
            _loading.reset(token)
        config._source_file = file
        return config

    def to_file_data(self) -> dict[str, Any]:
        """The config as file data: callables as import paths, the API key left out."""
        data = self.model_dump(
            exclude={"api_key", "tools", "output_type", "fallback_model_ids", "hooks"}, exclude_defaults=True
        )
        if self.fallback_model_ids:
            data["fallback_model_ids"] = [
                fallback.model_dump(exclude={"api_key"}, exclude_none=True) for fallback in self.fallback_model_ids
            ]
        data["model_id"] = self.model_id
        if self.tools:
            data["tools"] = [
                tool.model_dump(mode="json", exclude_defaults=True)
                if isinstance(tool, McpStdio | McpHttp)
                else {"a2a": tool.url, **tool.model_dump(exclude={"url"}, exclude_defaults=True)}
                if isinstance(tool, A2AAgentTool)
                else tool.to_file_data()
                if isinstance(tool, AgentConfig)
                else tool.config.to_file_data()
                if isinstance(tool, AgentLike)
                else _import_path(tool)
                for tool in self.tools
            ]
        if self.output_type is not None:
            data["output_type"] = _import_path(self.output_type)
        return data


def _tool_entry(item: Any, index: int, folder: str | None) -> Any:
    """One ``tools`` entry as written in a file: an import path, an agent file, an MCP server, an agent."""
    field = f"tools[{index}]"
    if isinstance(item, str) and item.endswith(_AGENT_FILE_SUFFIXES):
        path = Path(item)
        return AgentConfig.from_file(path if path.is_absolute() or folder is None else Path(folder) / path)
    if isinstance(item, str):
        return import_object(item, "tools")
    if isinstance(item, dict) and "a2a" in item:
        return A2AAgentTool(**{("url" if key == "a2a" else key): value for key, value in item.items()})
    if isinstance(item, dict) and "model_id" in item:
        return AgentConfig.model_validate(item, context={"folder": folder})
    if isinstance(item, dict):
        return mcp_server_entry(item, field)
    return item


def _parse(file: Path, text: str) -> Any:
    import tomllib

    import yaml

    if file.suffix == ".toml":
        return tomllib.loads(text)
    if file.suffix in {".yaml", ".yml"}:
        return yaml.safe_load(text)
    raise ConfigError(f"{file}: agent files end in .yaml, .yml or .toml")


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def import_object(path: str, field: str) -> Any:
    """Import ``package.module:attribute`` (or ``package.module.attribute``) for a config field."""
    module_name, sep, attribute = path.partition(":")
    if not sep:
        module_name, _, attribute = path.rpartition(".")
    if not module_name or not attribute:
        raise ValueError(f"{field}: {path!r} is not an import path like 'package.module:function'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"{field}: cannot import module {module_name!r} for {path!r}: {error}") from None
    target: Any = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ValueError(f"{field}: module {module_name!r} has no attribute {attribute!r}") from None
    return target


def _hook(item: Any, field: str) -> Any:
    """A ``hooks`` entry as a hook.

    An import path (of an instance, or of a class made with no arguments), or a mapping
    ``{class: path, args: {...}}``.
    """
    if isinstance(item, dict):
        unknown = item.keys() - {"class", "args"}
        if "class" not in item or unknown:
            raise ValueError(f"{field}: a hook given as a mapping has 'class' (an import path) and maybe 'args'")
        made = import_object(item["class"], field)
        if not isinstance(made, type):
            raise ValueError(f"{field}: {item['class']!r} is not a class")
        try:
            return made(**item.get("args", {}))
        except (TypeError, ValueError) as error:
            raise ValueError(f"{field}: {item['class']}(**args) failed: {error}") from None
    if isinstance(item, str):
        item = import_object(item, field)
    if isinstance(item, type) and issubclass(item, Hooks):
        return item()
    if not isinstance(item, Hooks):
        raise ValueError(f"{field}: {item!r} is not a hook; subclass any_agent.hooks.Hooks and pass an instance")
    return item


def _import_path(obj: Any) -> str:
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        return repr(obj)
    return f"{module}:{qualname}"
