"""The ``local:`` server's child process: llama-cpp-python's server, with our models' chat templates.

Run as ``python -m any_agent.model._llama_server <llama_cpp.server arguments>``. A GGUF names its
chat template in its metadata (``tokenizer.chat_template``), but the Gemma 3 270M GGUF that the
bundled package ships has none, and llama-cpp-python then falls back to the Llama 2 format: the
model would see ``[INST]`` markup it was never trained on. llama-cpp-python's own ``gemma`` format
drops the system message, which carries the agent's instructions and the tool protocol. So the
bundled models are served with their model card's template, registered here under the names
`CHAT_TEMPLATES` gives, before the server starts.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

__all__ = ["CHAT_TEMPLATES", "render"]

# Gemma 3's chat template (google/gemma-3-*-it, tokenizer_config.json), for text: a system message
# opens the first user turn; assistant turns are the "model" role. The original refuses turns that
# do not alternate user/model; frameworks sometimes send two user turns in a row (a tool result,
# then a reminder), which are rendered here as they come instead of failing the call.
_GEMMA3 = """{{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'assistant') -%}
        {%- set role = "model" -%}
    {%- else -%}
        {%- set role = "user" -%}
    {%- endif -%}
    {{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else "") }}
    {{- (message['content'] or '') | trim }}
    {{- '<end_of_turn>\\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{ '<start_of_turn>model\\n' }}
{%- endif -%}
"""

CHAT_TEMPLATES: dict[str, tuple[str, list[int]]] = {"any-agent-gemma3": (_GEMMA3, [106, 1])}
"""Chat formats this launcher registers, by the name ``--chat_format`` takes: the template and the
tokens that end the model's turn (Gemma: ``<end_of_turn>`` 106, ``<eos>`` 1)."""


def render(name: str, messages: list[dict[str, str]]) -> str:
    """The prompt a registered chat format renders for ``messages`` (what the model reads)."""
    return str(_formatter(name)(messages=messages).prompt)  # type: ignore[arg-type]


def _formatter(name: str) -> Jinja2ChatFormatter:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template, stop_token_ids = CHAT_TEMPLATES[name]
    return Jinja2ChatFormatter(template=template, eos_token="<eos>", bos_token="<bos>", stop_token_ids=stop_token_ids)


def _register() -> None:
    from llama_cpp.llama_chat_format import LlamaChatCompletionHandlerRegistry

    registry = LlamaChatCompletionHandlerRegistry()  # type: ignore[no-untyped-call]
    for name in CHAT_TEMPLATES:
        handler = _formatter(name).to_chat_handler()
        registry.register_chat_completion_handler(name, handler, overwrite=True)


def main() -> None:
    """Register the chat formats, then run llama-cpp-python's server with our arguments."""
    _register()
    arguments = sys.argv[1:]
    if "--chat_format" in arguments:
        print(f"any-agent: chat format {arguments[arguments.index('--chat_format') + 1]}", file=sys.stderr)
    from llama_cpp.server.__main__ import main as serve

    serve()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
