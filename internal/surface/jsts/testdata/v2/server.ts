import { McpServer, Server } from "@modelcontextprotocol/server";
import * as z from "zod/v4";

const mcp = new McpServer({ name: "v2", version: "2.0.0-beta" });

mcp.registerTool(
  "greet",
  {
    title: "Greet",
    description: "Greet someone by name",
    inputSchema: z.object({
      name: z.string().meta({ description: "Who to greet", title: "Name" }),
      formal: z.boolean().optional(),
    }),
  },
  async ({ name }) => ({ content: [{ type: "text", text: `Hello, ${name}` }] }),
);

const low = new Server({ name: "v2-low", version: "2.0.0" }, { capabilities: { tools: {} } });

low.setRequestHandler("tools/list", async () => ({
  tools: [
    {
      name: "shout",
      description: "Upper-case the input",
      inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    },
  ],
}));

low.setRequestHandler("tools/call", async (request, ctx) => {
  switch (request.params.name) {
    case "shout":
      return { content: [{ type: "text", text: String(request.params.arguments?.text).toUpperCase() }] };
  }
  throw new Error("no such tool");
});
