#!/usr/bin/env node
"use strict";
var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// node_modules/zod/lib/index.mjs (inlined)
var external_exports = {};
__export(external_exports, {
  string: () => string,
  object: () => object
});
function string(params) {
  return new ZodString(params);
}
function object(shape) {
  return new ZodObject(shape);
}

// src/index.ts
var import_mcp = require("@modelcontextprotocol/sdk/server/mcp.js");
var import_zod = require("zod");

// src/names.ts
var TOOL_NAMES = {
  SEARCH: "search",
  FETCH: "fetch_page"
};
var SEARCH_DESCRIPTION = `Search the web.
Returns the top ten results.`;

// src/index.ts
var server2 = new import_mcp.McpServer({ name: "bundled", version: "3.0.0" });
server2.registerTool(TOOL_NAMES.SEARCH, {
  description: SEARCH_DESCRIPTION,
  inputSchema: {
    q: import_zod.z.string().describe("Query"),
    n: (0, import_zod.number)().optional().describe("Result count")
  }
}, async ({ q }) => ({ content: [{ type: "text", text: q }] }));
server2.tool(TOOL_NAMES.FETCH, "Fetch a page", {
  url: external_exports.string().describe("Page URL"),
  selector: z2.string().optional()
}, async ({ url, selector }) => ({ content: [{ type: "text", text: url + selector }] }));
