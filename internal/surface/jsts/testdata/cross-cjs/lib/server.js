"use strict";
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { z } = require("zod");
const names = require("./names");
const { list, get } = require("./descriptions.js");
const compiled_1 = require("./compiled");
const reexport_1 = require("./reexport");

const server = new McpServer({ name: "inventory", version: "1.0.0" });

server.tool(names.LIST, list, {}, async () => ({ content: [] }));
server.tool(names.GET, get, { id: z.string().describe("Item id") }, async ({ id }) => ({
  content: [{ type: "text", text: id }],
}));
server.tool(reexport_1.DELETE, compiled_1.DELETE_DESC, { id: z.string() }, async ({ id }) => ({ content: [] }));
server.tool(require("./names").LIST + "_v2", require("./descriptions").list, async () => ({ content: [] }));

const table = require("./tools.json");
for (const t of table.tools) {
  server.tool(t.name, t.description, async () => ({ content: [] }));
}
