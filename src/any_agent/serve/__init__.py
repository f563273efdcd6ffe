"""Serving agents to other programs: over MCP, as one tool any MCP client can call (`serve.mcp`)."""
