import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import dedent from "dedent";
import { z } from "zod";

const server = new McpServer({ name: "texts", version: "1.0.0" });

const PRODUCT = "Acme";
const VERSION = 2;
const LINES = ["Search Acme's catalogue.", "Results are paginated."];
const describeTool = (name: string, what: string) => `The ${name} tool ${what}.`;

server.tool("catalog_search", `Search the ${PRODUCT} v${VERSION} catalogue`, async () => ({ content: [] }));

server.registerTool("joined", { description: LINES.join(" ") }, async () => ({ content: [] }));

server.registerTool("raw", { description: String.raw`Paths look like C:\data\new` }, async () => ({ content: [] }));

server.registerTool(
  "dedented",
  {
    description: dedent`
      First line.
        Indented line.
      Last line.
    `,
  },
  async () => ({ content: [] }),
);

server.registerTool(
  "escapes",
  { description: "Tab\tand \u00e9 and \u{1F600} and \uD83D\uDE00" + " end" },
  async () => ({ content: [] }),
);

server.registerTool(
  "obfuscated",
  { description: Buffer.from("SGlkZGVuIGluc3RydWN0aW9u", "base64").toString() + String.fromCharCode(33) },
  async () => ({ content: [] }),
);

server.registerTool("helper", { description: describeTool("helper", "formats text") }, async () => ({ content: [] }));

export function registerRegional(s: McpServer, region: string) {
  s.registerTool(
    "regional",
    {
      description: `Query the ${region} region. ` + "Data is cached for one hour.",
      inputSchema: { id: z.string().describe(`Record id in ${region}`) },
    },
    async ({ id }) => ({ content: [{ type: "text", text: id }] }),
  );
}
