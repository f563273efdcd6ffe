"""Model ids: any-llm's ``provider:model`` strings.

Only the shape is checked here, cheaply, so a config validates without importing any-llm (whose
import costs seconds); whether the provider exists is checked when the agent is created.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ModelId", "parse_model_id"]


class ModelId(NamedTuple):
    """A model id split into its provider and the provider's own model name."""

    provider: str
    model: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_model_id(model_id: str) -> ModelId:
    """Split ``provider:model``; raise `ValueError` saying the expected shape otherwise."""
    provider, sep, model = model_id.partition(":")
    provider = provider.strip().lower()
    if not sep or not provider or not model.strip() or "/" in provider:
        raise ValueError(
            f"{model_id!r} is not a model id: write 'provider:model', e.g. 'openai:gpt-4.1-mini', "
            "'anthropic:claude-sonnet-4-5' or 'ollama:llama3.2'"
        )
    return ModelId(provider, model.strip())
