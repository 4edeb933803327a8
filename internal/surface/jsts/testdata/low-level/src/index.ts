#!/usr/bin/env node
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { zodToJsonSchema } from "zod-to-json-schema";

const QueryArgs = z.object({
  sql: z.string().describe("A read-only SQL query"),
  limit: z.number().int().optional().describe("Row limit"),
});

enum ToolName {
  QUERY = "query",
  TABLES = "list_tables",
  DESCRIBE = "describe_table",
}

const server = new Server(
  { name: "db", version: "0.1.0" },
  { capabilities: { tools: {} }, instructions: `Read-only access to the ${"analytics"} database.` },
);

server.setRequestHandler(ListToolsRequestSchema, async () => {
  const tools = [
    {
      name: ToolName.QUERY,
      description: "Run a read-only SQL query",
      inputSchema: zodToJsonSchema(QueryArgs),
    },
    {
      name: ToolName.TABLES,
      description: "List the tables",
      inputSchema: { type: "object", properties: {} },
    },
    {
      name: ToolName.DESCRIBE,
      description: "Describe a table",
      inputSchema: {
        type: "object",
        properties: {
          table: { type: "string", description: "Table name", pattern: "^[a-z_]+$", examples: ["users", "events"] },
          verbose: { type: ["boolean", "null"], default: false },
          format: { title: "Format", anyOf: [{ const: "short" }, { const: "long", description: "Long form" }] },
        },
        required: ["table"],
      },
    },
  ];
  return { tools };
});

declare function run(sql: string): Promise<string>;

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  if (name === ToolName.QUERY) {
    const { sql } = QueryArgs.parse(args);
    return { content: [{ type: "text", text: await run(sql) }] };
  }
  switch (name) {
    case ToolName.TABLES:
      return { content: [{ type: "text", text: "tables: users, events" }] };
    case ToolName.DESCRIBE: {
      const table = String(args?.table);
      return { content: [{ type: "text", text: table }] };
    }
    default:
      throw new McpError(ErrorCode.MethodNotFound, "Unknown tool");
  }
});
