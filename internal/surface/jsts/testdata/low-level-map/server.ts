import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { zodToJsonSchema } from "zod-to-json-schema";

const schemas = {
  read_page: {
    description: "Read a wiki page",
    schema: z.object({ title: z.string().describe("Page title"), rev: z.number().int().optional() }),
  },
  list_pages: { description: "List wiki pages", schema: z.object({}) },
};

declare const handlers: Record<string, (args: unknown) => Promise<{ content: unknown[] }>>;

const server = new Server({ name: "wiki", version: "1.0.0" }, { capabilities: { tools: {} } });

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: Object.entries(schemas).map(([name, { description, schema }]) => ({
    name,
    description,
    inputSchema: zodToJsonSchema(schema),
  })),
}));

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const handler = handlers[request.params.name];
  if (!handler) {
    return { isError: true, content: [{ type: "text", text: "No such tool." }] };
  }
  return handler(request.params.arguments);
});
