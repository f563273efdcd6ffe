"""A model to evaluate or to judge with: its id and, when it is not the provider's default, where it is served."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

from any_agent.config import AgentConfig
from any_agent.model.ids import parse_model_id

__all__ = ["Endpoint", "as_endpoint"]


class Endpoint(BaseModel):
    """A ``provider:model`` id with its own base URL and key, for a matrix of models on different servers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_id: str
    api_base: str | None = None
    api_key: SecretStr | None = None
    """When unset, any-llm reads the provider's usual environment variable."""

    @field_validator("model_id")
    @classmethod
    def _check_model_id(cls, value: str) -> str:
        parse_model_id(value)
        return value

    @property
    def limit_key(self) -> str:
        """What the per-endpoint concurrency limit counts by: the server (base URL), else the provider."""
        return self.api_base or parse_model_id(self.model_id).provider

    def apply(self, config: AgentConfig, **changes: Any) -> AgentConfig:
        """``config`` pointed at this model; a plain id keeps the config's own endpoint and key."""
        update: dict[str, Any] = {"model_id": self.model_id, **changes}
        if self.api_base is not None or self.api_key is not None:
            update |= {"api_base": self.api_base, "api_key": self.api_key}
        return config.model_copy(update=update)


def as_endpoint(model: str | Endpoint) -> Endpoint:
    """A plain ``provider:model`` string as an `Endpoint`."""
    return model if isinstance(model, Endpoint) else Endpoint(model_id=model)
