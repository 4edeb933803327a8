import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer({ name: "overloads", version: "1.0.0" });

// tool(name, cb)
server.tool("ping", async () => ({ content: [{ type: "text", text: "pong" }] }));

// tool(name, description, cb)
server.tool("time", "Current server time", async () => ({
  content: [{ type: "text", text: new Date().toISOString() }],
}));

// tool(name, paramsSchema, cb)
server.tool(
  "echo",
  { message: z.string().describe("Text to echo back") },
  async ({ message }) => ({ content: [{ type: "text", text: message }] }),
);

// tool(name, annotations, cb)
server.tool("shutdown", { destructiveHint: true, title: "Shut down" }, async () => ({
  content: [{ type: "text", text: "bye" }],
}));

// tool(name, description, paramsSchema, cb)
server.tool(
  "add",
  "Add two numbers",
  { a: z.number().int().describe("First addend"), b: z.number().optional() },
  async ({ a, b }) => ({ content: [{ type: "text", text: String(a + (b ?? 0)) }] }),
);

// tool(name, description, annotations, cb)
server.tool("status", "Server status", { readOnlyHint: true }, async () => ({
  content: [{ type: "text", text: "ok" }],
}));

// tool(name, paramsSchema, annotations, cb)
server.tool(
  "delete_file",
  { path: z.string({ description: "File to delete" }) },
  { destructiveHint: true },
  async ({ path }) => ({ content: [{ type: "text", text: `deleted ${path}` }] }),
);

// tool(name, description, paramsSchema, annotations, cb)
server.tool(
  "search",
  "Search the index",
  {
    query: z.string().min(1).describe("What to look for"),
    mode: z.enum(["fast", "exact"]).default("fast").describe("Search mode"),
    tags: z.array(z.string()).nullish(),
    filter: z.object({ after: z.string().describe("ISO date"), limit: z.number().max(100) }).optional(),
    kind: z.union([z.literal("a"), z.literal("b")]),
    meta: z.string().meta({ description: "Zod 4 meta description" }),
    count: z.coerce.number(),
    blob: z.record(z.string(), z.any()),
  },
  { readOnlyHint: true, openWorldHint: false },
  async ({ query, mode }) => ({ content: [{ type: "text", text: `${mode}:${query}` }] }),
);

// Cloudflare McpAgent: any receiver, including this.server.
export class MyAgent {
  server = new McpServer({ name: "agent", version: "1" });
  async init() {
    this.server.tool("agent_tool", "Runs inside an agent", { x: z.boolean() }, async ({ x }) => ({
      content: [{ type: "text", text: x ? "yes" : "no" }],
    }));
  }
}

// Not MCP: inquirer-style prompt() and a tool() with a literal last argument.
declare const inquirer: any;
inquirer.prompt([{ name: "x" }]);
declare const other: any;
other.tool("not_a_tool", "no callback");
