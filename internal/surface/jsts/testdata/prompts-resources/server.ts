import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListPromptsRequestSchema, ListResourcesRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const server = new McpServer({ name: "pr", version: "1.0.0" });

server.prompt(
  "review_code",
  "Review a diff",
  { diff: z.string().describe("Unified diff"), style: z.enum(["short", "long"]).optional() },
  ({ diff }) => ({
    messages: [{ role: "user", content: { type: "text", text: "Please review this diff carefully." } }],
  }),
);

server.prompt("hello", () => ({ messages: [] }));

server.registerPrompt(
  "explain",
  { title: "Explain", description: "Explain a piece of code", argsSchema: { code: z.string().describe("The code") } },
  ({ code }) => ({ messages: [{ role: "user", content: { type: "text", text: `Explain: ${code}` } }] }),
);

server.resource("config", "config://app", { mimeType: "application/json", description: "App configuration" }, async (uri) => ({
  contents: [{ uri: uri.href, text: "{}" }],
}));

server.resource("user-profile", new ResourceTemplate("users://{id}/profile", { list: undefined }), async (uri) => ({
  contents: [],
}));

server.registerResource(
  "readme",
  "file:///README.md",
  { title: "Readme", description: "Project readme", mimeType: "text/markdown" },
  async () => ({ contents: [] }),
);

const low = new Server({ name: "pr-low", version: "1.0.0" }, { capabilities: { prompts: {}, resources: {} } });

low.setRequestHandler(ListPromptsRequestSchema, async () => ({
  prompts: [
    { name: "ll_prompt", description: "Low-level prompt", arguments: [{ name: "topic", description: "Topic", required: true }] },
  ],
}));

low.setRequestHandler(ListResourcesRequestSchema, async () => ({
  resources: [{ uri: "mem://notes", name: "Notes", description: "In-memory notes", mimeType: "text/plain" }],
}));
