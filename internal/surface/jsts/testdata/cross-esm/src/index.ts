import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { GET_DOCS, RESOLVE_LIBRARY_ID } from "./constants/index.js";
import * as names from "./constants/names.js";
import listDescription, { DESCRIPTIONS } from "./descriptions.js";
import { NOT_THERE } from "./missing.js";
import { version } from "some-package";

const server = new McpServer({ name: "docs", version: "1.0.0" });

server.registerTool(
  RESOLVE_LIBRARY_ID,
  {
    description: DESCRIPTIONS.resolve,
    inputSchema: { libraryName: z.string().describe("Library name to search for") },
  },
  async ({ libraryName }) => ({ content: [{ type: "text", text: libraryName }] }),
);

server.registerTool(
  GET_DOCS,
  { description: DESCRIPTIONS["docs"], inputSchema: { id: z.string() } },
  async ({ id }) => ({ content: [{ type: "text", text: id }] }),
);

server.registerTool(names.GET_DOCS + "-v2", { description: listDescription }, async () => ({ content: [] }));

server.registerTool("broken_import", { description: NOT_THERE + version }, async () => ({ content: [] }));
