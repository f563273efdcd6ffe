from __future__ import annotations

import base64

from mcp.types import (
    AudioContent,
    BlobResourceContents,
    CallToolResult,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)
from pydantic import AnyUrl

from any_agent.tools.mcp.content import to_tool_result


def test_text_blocks_are_joined() -> None:
    result = to_tool_result(
        "t", CallToolResult(content=[TextContent(type="text", text="a"), TextContent(type="text", text="b")])
    )
    assert (result.text, result.is_error) == ("a\nb", False)
    assert isinstance(result.value, CallToolResult)


def test_binary_content_is_described_with_mime_type_and_size() -> None:
    data = base64.b64encode(b"x" * 2048).decode()
    result = to_tool_result(
        "t",
        CallToolResult(
            content=[
                ImageContent(type="image", data=data, mimeType="image/png"),
                AudioContent(type="audio", data=base64.b64encode(b"abc").decode(), mimeType="audio/wav"),
                EmbeddedResource(
                    type="resource",
                    resource=BlobResourceContents(uri=AnyUrl("file:///a.bin"), blob=data, mimeType="application/pdf"),
                ),
                ResourceLink(type="resource_link", name="report", uri=AnyUrl("file:///r.txt"), mimeType="text/plain"),
            ]
        ),
    )
    assert result.text.splitlines() == [
        "[image: image/png, 2.0 KiB]",
        "[audio: audio/wav, 3 bytes]",
        "[resource <file:///a.bin>, application/pdf, 2.0 KiB]",
        "[resource link: report <file:///r.txt>, text/plain]",
    ]


def test_text_resources_keep_their_text() -> None:
    block = EmbeddedResource(type="resource", resource=TextResourceContents(uri=AnyUrl("file:///n.txt"), text="notes"))
    assert to_tool_result("t", CallToolResult(content=[block])).text == "[resource <file:///n.txt>]\nnotes"


def test_structured_content_without_text_becomes_json() -> None:
    result = to_tool_result("t", CallToolResult(content=[], structuredContent={"sky": "clear", "high": 21}))
    assert result.text == '{"sky": "clear", "high": 21}'
    # When the server sends the JSON as text too (as the spec asks), it is not repeated.
    both = CallToolResult(
        content=[TextContent(type="text", text='{"sky": "clear"}')], structuredContent={"sky": "clear"}
    )
    assert to_tool_result("t", both).text == '{"sky": "clear"}'


def test_is_error_results_are_error_results() -> None:
    result = to_tool_result(
        "lookup", CallToolResult(content=[TextContent(type="text", text="no such city")], isError=True)
    )
    assert result.is_error
    assert result.text == "Error: tool 'lookup' failed: no such city"
    assert (
        to_tool_result("x", CallToolResult(content=[], isError=True)).text == "Error: tool 'x' failed: no details given"
    )
