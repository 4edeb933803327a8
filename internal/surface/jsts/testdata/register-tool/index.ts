import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer(
  { name: "files", version: "2.0.0" },
  { instructions: "Use read_file before edit_file. Paths are relative to the project root." },
);

const ReadArgs = z.object({
  path: z.string().describe("Path of the file"),
  encoding: z.enum(["utf8", "base64"]).default("utf8"),
});

// inputSchema as a full z.object
server.registerTool(
  "read_file",
  {
    title: "Read file",
    description: "Read the contents of a file. " + "Only works within allowed directories.",
    inputSchema: ReadArgs,
    outputSchema: { content: z.string() },
    annotations: { readOnlyHint: true },
  },
  async ({ path, encoding }) => ({ content: [{ type: "text", text: `${path}:${encoding}` }] }),
);

// inputSchema as a raw shape, reusing another schema's shape and extending it
const EditArgs = ReadArgs.pick({ path: true }).extend({
  edits: z
    .array(
      z.object({
        oldText: z.string().describe("Text to search for"),
        newText: z.string().describe("Text to replace with"),
      }),
    )
    .describe("Edits to apply"),
  dryRun: z.boolean().default(false).describe("Preview changes"),
});

server.registerTool(
  "edit_file",
  {
    description: "Make line-based edits to a text file.",
    inputSchema: EditArgs.shape,
    annotations: { destructiveHint: true, idempotentHint: false },
  },
  async (args) => {
    const { path, edits } = args;
    if (args.dryRun) {
      return { content: [{ type: "text", text: "Dry run: nothing written." }] };
    }
    return { content: [{ type: "text", text: `edited ${path} (${edits.length})` }] };
  },
);

// no inputSchema: the callback's first parameter is `extra`
server.registerTool("list_roots", { description: "List allowed directories" }, async (extra) => ({
  content: [{ type: "text", text: String(extra.sessionId) }],
}));
