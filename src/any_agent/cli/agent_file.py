"""Reading an agent file for the CLI: the config, its offline script, and whether a provider key is set.

An agent file stays a plain `AgentConfig` file, loadable from Python with `AgentConfig.from_file`.
What only the CLI needs sits in a sidecar next to it, ``<stem>.offline.json`` (``agent.yaml`` →
``agent.offline.json``): the scripted plan the offline model follows, and the prompt that plan was
written for (used when no prompt is given on the command line).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from any_agent.config import AgentConfig
from any_agent.errors import ConfigError

if TYPE_CHECKING:
    from any_agent.testing import ChatRequest, Fault, Handler, Reply, ScriptedLLM

__all__ = [
    "FORCED_OFFLINE_NOTICE",
    "OFFLINE_NOTICE",
    "OFFLINE_SUFFIX",
    "AgentFile",
    "ignored_prompt_notice",
    "load_agent_file",
    "missing_key",
    "offline_config",
]

OFFLINE_SUFFIX = ".offline.json"
OFFLINE_NOTICE = (
    "No provider key found: running on the scripted offline model (answers are scripted, the agent "
    "machinery is real). Pass --model provider:model to use a real model."
)
FORCED_OFFLINE_NOTICE = (
    "--offline: running on the scripted offline model (answers are scripted, the agent machinery is real)."
)


def ignored_prompt_notice(agent_file: AgentFile, prompt: str | None) -> str | None:
    """What to tell the user when the scripted model will not read their prompt, or None.

    A sidecar plan answers the same whatever it is asked: fine for its own prompt, misleading for
    another. ``prompt`` None means prompts come from elsewhere (``serve``: from each MCP caller).
    """
    if agent_file.offline_plan is None or (prompt is not None and prompt == agent_file.prompt):
        return None
    whose = "your prompt" if prompt is not None else "the callers' prompts"
    written_for = f", written for {agent_file.prompt!r}" if agent_file.prompt else ""
    return (
        f"The scripted model ignores {whose}: it follows the plan in {agent_file.sidecar.name}{written_for}. "
        "Pass --model provider:model (or set a provider key) for answers to what you ask."
    )


@dataclass
class AgentFile:
    """An agent file as the CLI reads it."""

    path: Path
    config: AgentConfig
    offline_plan: dict[str, Any] | None
    """The sidecar's plan (``{"steps": [...], "final": ...}``), or None: the offline model then echoes."""
    prompt: str | None
    """The prompt the sidecar's plan was written for, the default when none is given."""

    @property
    def sidecar(self) -> Path:
        """Where the offline plan of this agent file lives."""
        return sidecar_path(self.path)


def sidecar_path(path: Path) -> Path:
    """``agent.yaml`` → ``agent.offline.json``."""
    return path.with_name(path.stem + OFFLINE_SUFFIX)


def load_agent_file(path: str | Path, *, framework: str | None = None, model: str | None = None) -> AgentFile:
    """Load ``path`` and its sidecar; `ConfigError` says what is wrong with either."""
    file = Path(path)
    overrides: dict[str, Any] = {}
    if framework:
        overrides["framework"] = framework
    if model:
        overrides["model_id"] = model
    config = AgentConfig.from_file(file, **overrides)
    plan, prompt = _read_sidecar(sidecar_path(file))
    return AgentFile(path=file, config=config, offline_plan=plan, prompt=prompt)


def _read_sidecar(sidecar: Path) -> tuple[dict[str, Any] | None, str | None]:
    if not sidecar.is_file():
        return None, None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read the offline plan {sidecar}: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ConfigError(f'{sidecar} must be an object with a "steps" list (and optional "final", "prompt")')
    prompt = data.pop("prompt", None)
    if prompt is not None and not isinstance(prompt, str):
        raise ConfigError(f'{sidecar}: "prompt" must be a string')
    from any_agent.testing import plan_from_json

    try:
        plan_from_json(data)  # fail on a malformed plan now, not half-way through a run
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{sidecar} is not a valid plan: {error}") from None
    return data, prompt


def missing_key(config: AgentConfig) -> str | None:
    """Why the config's model cannot be reached (no API key), or None when it can be tried.

    any-llm decides, from its own per-provider environment variables; a config with an explicit
    ``api_key`` or an ``api_base`` (a local or self-hosted server) counts as configured. Other
    problems (an unknown provider) are left for the run to report.
    """
    if config.api_key is not None or config.api_base:
        return None
    from any_agent.model.client import ModelClient

    try:
        ModelClient(config.model_id)
    except ConfigError as error:
        if error.field == "api_key":
            return str(error)
    return None


@contextmanager
def offline_config(agent_file: AgentFile, config: AgentConfig | None = None) -> Iterator[AgentConfig]:
    """``config`` (default: the file's) pointed at a scripted model on 127.0.0.1 while the block runs."""
    from any_agent.testing import ScriptedLLM, echo, plan_from_json

    handlers: dict[str, Handler] = {}
    top = plan_from_json(agent_file.offline_plan) if agent_file.offline_plan is not None else echo()

    def scripted(request: ChatRequest) -> Reply | Fault:
        return handlers.get(request.model, top)(request)

    with ScriptedLLM(scripted) as llm:
        yield _offline(config or agent_file.config, llm, handlers)


def _offline(config: AgentConfig, llm: ScriptedLLM, handlers: dict[str, Handler]) -> AgentConfig:
    """``config`` on the scripted model, and each agent file among its tools on its own offline plan.

    Every agent reaches the one scripted server under a model name of its own (``scripted-<n>-<name>``),
    which picks that agent's plan (the sidecar of its file; an echo without one).
    """
    from any_agent.testing import echo, plan_from_json

    tools: list[Any] = []
    for tool in config.tools:
        if isinstance(tool, AgentConfig):
            model = f"scripted-{len(handlers) + 1}-{tool.name}"
            plan = _read_sidecar(sidecar_path(tool.source_file))[0] if tool.source_file is not None else None
            handlers[model] = plan_from_json(plan) if plan is not None else echo()
            inner = _offline(tool, llm, handlers)
            tool = inner.model_copy(update={"model_id": f"openai:{model}"})
        tools.append(tool)
    return config.model_copy(
        update={"model_id": llm.model_id, "api_base": llm.base_url, "api_key": None, "tools": tools}
    )
