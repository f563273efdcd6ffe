"""`ModelRoute`: one way to reach a model (provider, model, endpoint, credentials).

A model client has a primary route and, optionally, fallback routes. Each route keeps one any-llm
provider instance per event loop, because an HTTP client's connections belong to the loop that
opened them, and closes each on that loop (see `any_agent.model.lifetime`).
"""

from __future__ import annotations

import asyncio
import os
import weakref
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from any_agent.errors import ConfigError
from any_agent.model.constrained import SchemaStyle
from any_agent.model.ids import ModelId, parse_model_id
from any_agent.model.lifetime import close_at_shutdown, close_now, close_on_their_loops
from any_agent.model.local import local_server
from any_agent.redaction import redact_text

if TYPE_CHECKING:
    from any_llm import AnyLLM

__all__ = ["LOCAL_MAX_TOKENS", "LOCAL_PROVIDERS", "ModelRoute"]

LOCAL_PROVIDERS = frozenset({"ollama", "llamacpp", "llamafile", "vllm", "lmstudio", "local"})
"""Providers that serve models on the user's own hardware: no API key needed, no per-token price."""

LOCAL_MAX_TOKENS = 256
"""The default output bound of a ``local:`` model call (``model_args={"max_tokens": ...}`` overrides
it): a small model under grammar sampling may otherwise write for minutes and outlast the timeout."""


class ModelRoute:
    """A model id with its endpoint and key; creates the any-llm provider lazily, per event loop."""

    def __init__(
        self,
        model_id: str,
        *,
        api_base: str | None = None,
        api_key: SecretStr | str | None = None,
        field: str = "model_id",
        constrained: bool | None = None,
    ) -> None:
        self.model_id: ModelId = parse_model_id(model_id)
        self.api_base = api_base
        self.managed = self.model_id.provider == "local"
        """Whether any-agent serves the model itself (``local:``), starting the server on first use."""
        self.constrained = self.managed if constrained is None else constrained
        """Whether tool calls are made by constrained decoding (see `any_agent.model.constrained`)."""
        self._api_key = api_key if isinstance(api_key, SecretStr) or api_key is None else SecretStr(api_key)
        self._field = field
        self._key_variable: str | None = None
        """The provider's usual environment variable for its key (``OPENAI_API_KEY``...), once known."""
        self._providers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AnyLLM] = weakref.WeakKeyDictionary()
        # The finalizer holds the providers, so a dropped route's clients are closed by us, on their
        # loops, and never by the SDK's `__del__` from whichever thread collects them.
        weakref.finalize(self, close_on_their_loops, self._providers).atexit = False

    def __repr__(self) -> str:
        return f"ModelRoute({str(self.model_id)!r}, api_base={self.api_base!r})"

    @property
    def is_local(self) -> bool:
        """Whether the model runs on the user's own hardware (so costs nothing per token)."""
        return self.model_id.provider in LOCAL_PROVIDERS

    @property
    def retries_timeouts(self) -> bool:
        """Whether a timed-out call is worth another try on this route.

        Not on a ``local:`` server: it has one slot and goes on generating the abandoned answer after
        the client gave up, so a retry would queue behind it and time out in turn. Its calls are
        bounded instead (`request_defaults`); a timeout there goes to the next fallback, if any.
        """
        return not self.managed

    @property
    def request_defaults(self) -> dict[str, Any]:
        """Completion parameters this route adds unless the user's ``model_args`` set them."""
        return {"max_tokens": LOCAL_MAX_TOKENS} if self.managed else {}

    def wire_params(self, request: dict[str, Any]) -> dict[str, Any]:
        """The completion parameters as this route's server reads them.

        any-llm sends ``max_tokens`` as OpenAI's newer ``max_completion_tokens``, which
        llama-cpp-python's server ignores (it would generate until the context is full), so a
        ``local:`` route sends ``max_tokens`` itself, in the request body.
        """
        if not self.managed or "max_tokens" not in request:
            return request
        params = dict(request)
        params["extra_body"] = {**params.get("extra_body", {}), "max_tokens": params.pop("max_tokens")}
        return params

    @property
    def schema_style(self) -> SchemaStyle:
        """How this route's server takes a JSON schema for constrained decoding."""
        return "json_object_schema" if self.managed else "json_schema"

    def check(self) -> None:
        """Fail now, at create time, on an unknown provider, a missing key or a missing local extra."""
        if self.managed:
            local_server(self.model_id.model)
        else:
            self._new_provider()

    async def start(self) -> float | None:
        """Start the local model server if this route needs one; the seconds it took, None if none."""
        if not self.managed:
            return None
        return await asyncio.to_thread(local_server(self.model_id.model).ensure_started)

    async def provider_for_this_loop(self) -> AnyLLM:
        """The any-llm provider instance for the running event loop."""
        loop = asyncio.get_running_loop()
        provider = self._providers.get(loop)
        if provider is None:
            provider = self._providers[loop] = self._new_provider()
            await close_at_shutdown(provider)
        return provider

    async def aclose(self) -> None:
        """Close this route's provider clients (each on its own loop); the next call opens a new one."""
        await close_now(self._providers)

    def secrets(self) -> list[str]:
        """The keys this route may send: its ``api_key`` and its provider's environment variable."""
        found = [self._api_key.get_secret_value()] if self._api_key is not None else []
        variable = self._key_variable or _key_variable("openai" if self.managed else self.model_id.provider)
        if variable and (value := os.environ.get(variable)):
            found.append(value)
        return found

    def redact(self, text: str) -> str:
        """``text`` with this route's API keys masked."""
        return redact_text(text, self.secrets())

    def _new_provider(self) -> AnyLLM:
        from any_llm import AnyLLM
        from any_llm.exceptions import MissingApiKeyError, UnsupportedParameterError, UnsupportedProviderError

        provider = self.model_id.provider
        api_base = self.api_base
        if self.managed:
            provider, api_base = "openai", local_server(self.model_id.model).base_url
        key = self._api_key.get_secret_value() if self._api_key else None
        self._key_variable = _key_variable(provider)
        # An OpenAI-compatible endpoint we were pointed at, or a local server, may go without a key:
        # the provider's usual variable when it is set, a placeholder only when it is not.
        if key is None and (self.is_local or (api_base and provider == "openai")):
            key = (os.environ.get(self._key_variable) if self._key_variable else None) or "not-needed"
        options: dict[str, Any] = {"api_key": key, "api_base": api_base, "unified_exceptions": True}
        try:
            try:
                return AnyLLM.create(provider, max_retries=0, **options)
            except UnsupportedParameterError:
                return AnyLLM.create(provider, **options)
        except UnsupportedProviderError:
            raise ConfigError(
                f"unknown provider {provider!r}; any-llm knows: {', '.join(AnyLLM.get_supported_providers())}",
                field=self._field,
            ) from None
        except MissingApiKeyError as error:
            raise ConfigError(
                f"no API key for {provider}: set {error.env_var_name} in the environment or the api_key of "
                f"{self._field}",
                field=self._field.replace("model_id", "api_key"),
            ) from None
        except ImportError as error:
            raise ConfigError(str(error), field=self._field) from None


def _key_variable(provider: str) -> str | None:
    from any_llm import AnyLLM

    try:
        name = AnyLLM.get_provider_class(provider).ENV_API_KEY_NAME
    except Exception:  # an unknown provider: `_new_provider` says so
        return None
    return name if isinstance(name, str) and name else None
