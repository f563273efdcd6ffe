"""An MCP tool result as the text a model reads.

Every framework passes tool results to the model as text, so content that is not text is described
rather than dropped: images, audio and binary resources by kind, MIME type and size (their bytes
would only cost tokens), text resources with their text, structured content as JSON. The whole
`CallToolResult` stays available as `ToolResult.value`.
"""

from __future__ import annotations

import json

from mcp.types import (
    AudioContent,
    BlobResourceContents,
    CallToolResult,
    ContentBlock,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)

from any_agent.tools.spec import ToolResult

__all__ = ["describe_block", "to_tool_result"]


def to_tool_result(tool: str, result: CallToolResult) -> ToolResult:
    """The model-facing result of calling ``tool``; an MCP ``isError`` result is an error result."""
    parts = [describe_block(block) for block in result.content]
    text = "\n".join(part for part in parts if part)
    if result.structuredContent is not None and not any(isinstance(b, TextContent) for b in result.content):
        # Servers should also send structured results as text; when one does not, the JSON is the text.
        structured = json.dumps(result.structuredContent, default=str)
        text = f"{text}\n{structured}" if text else structured
    if result.isError:
        return ToolResult(f"Error: tool {tool!r} failed: {text or 'no details given'}", result, is_error=True)
    return ToolResult(text, result)


def describe_block(block: ContentBlock) -> str:
    """One content block as text."""
    if isinstance(block, TextContent):
        return block.text
    if isinstance(block, ImageContent | AudioContent):
        return f"[{block.type}: {block.mimeType}, {_size(_decoded_length(block.data))}]"
    if isinstance(block, ResourceLink):
        mime = f", {block.mimeType}" if block.mimeType else ""
        return f"[resource link: {block.name} <{block.uri}>{mime}]"
    if isinstance(block, EmbeddedResource):
        resource = block.resource
        mime = f", {resource.mimeType}" if resource.mimeType else ""
        if isinstance(resource, TextResourceContents):
            return f"[resource <{resource.uri}>{mime}]\n{resource.text}"
        if isinstance(resource, BlobResourceContents):
            return f"[resource <{resource.uri}>{mime}, {_size(_decoded_length(resource.blob))}]"
    return f"[{getattr(block, 'type', type(block).__name__)} content]"


def _decoded_length(base64_text: str) -> int:
    return len(base64_text) * 3 // 4 - base64_text[-2:].count("=")


def _size(length: int) -> str:
    if length < 1024:
        return f"{length} bytes"
    if length < 1024 * 1024:
        return f"{length / 1024:.1f} KiB"
    return f"{length / (1024 * 1024):.1f} MiB"
