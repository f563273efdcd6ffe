"""`ModelBridge`: a LangChain chat model that is the core's model client.

LangGraph never reaches a provider by itself: every model call of the graph is a
`ModelClient.complete` call, so it gets the core's ``chat`` span, retries and ``max_turns`` count,
and nothing leaves the machine that the user did not point the config at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, ConfigDict, Field

from any_agent.model.client import ModelClient
from any_agent.model.types import ModelResponse
from any_agent.tools.dispatch import Toolset
from any_agent_langgraph.binding import binding
from any_agent_langgraph.messages import ai_message, to_openai
from any_agent_langgraph.tool_bridge import ToolBridge

__all__ = ["ModelBridge"]


class ModelBridge(BaseChatModel):
    """The agent's model, as LangChain sees it.

    ``cache`` is off so that a global LangChain cache cannot answer in place of the model (and the
    trace lose a turn).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: ModelClient
    toolset: Toolset = Field(default_factory=lambda: Toolset([]))
    """The agent's tools, for handing the model's calls over (see `Toolset.handover`)."""
    output_type: type[BaseModel] | None = None
    """The config's output type: LangChain's provider strategy sends its JSON schema as a dict, and
    it is mapped back to the type so the model call is the one the `tiny` reference makes."""

    def __init__(self, **data: Any) -> None:
        super().__init__(**{"cache": False, **data})

    @property
    def _llm_type(self) -> str:
        return "any-agent"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_id": str(self.client.model_id), "api_base": self.client.api_base}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools in the OpenAI format; core tools keep their exact core definition."""
        definitions = [
            tool.spec.definition() if isinstance(tool, ToolBridge) else convert_to_openai_tool(tool) for tool in tools
        ]
        if tool_choice is not None:
            kwargs["tool_choice"] = _tool_choice(tool_choice)
        return self.bind(tools=definitions, **kwargs)

    def _params(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        kwargs.pop("ls_structured_output_format", None)
        kwargs.pop("strict", None)  # strict tool schemas are the core's choice, not LangChain's
        response_format = kwargs.get("response_format")
        if (
            isinstance(response_format, dict)
            and self.output_type is not None
            and (response_format.get("json_schema") or {}).get("name") == self.output_type.__name__
        ):
            kwargs["response_format"] = self.output_type
        if stop:
            kwargs["stop"] = stop
        return kwargs

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        params = self._params(stop, kwargs)
        response = await self.client.complete(to_openai(messages), run=binding().run, **params)
        return self._result(response, params)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        params = self._params(stop, kwargs)
        response = self.client.complete_sync(to_openai(messages), run=binding().run, **params)
        return self._result(response, params)

    def _result(self, response: ModelResponse, params: dict[str, Any]) -> ChatResult:
        # Calls of tools the graph does not have go to the core's catch-all, not to LangGraph's wording.
        bound = [tool.get("function", {}).get("name") for tool in params.get("tools") or []]
        message = ai_message(self.toolset.handover(response, also=[name for name in bound if name]))
        return ChatResult(
            generations=[ChatGeneration(message=message, generation_info={"finish_reason": response.finish_reason})],
            llm_output={"token_usage": dict(message.usage_metadata or {}), "model_name": response.model},
        )


def _tool_choice(choice: Any) -> Any:
    """LangChain's tool choices ("any", a tool name) in the OpenAI form the core sends."""
    if choice in ("any", True):
        return "required"
    if isinstance(choice, str) and choice not in {"auto", "none", "required"}:
        return {"type": "function", "function": {"name": choice}}
    return choice
