import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

const server = new McpServer({ name: "broken", version: "1.0.0" });

server.tool("before", "Declared before the damage", async () => ({ content: [] }));

function broken( {
  return ))) ;
}

server.tool("after", "Declared after the damage", async () => ({ content: [] }));
