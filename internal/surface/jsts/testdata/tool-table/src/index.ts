import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { TOOLS } from "./tools.js";

declare function fetchTools(): Promise<Array<{ name: string; description: string }>>;

const server = new McpServer({ name: "tracker", version: "1.0.0" });

for (const tool of TOOLS) {
  server.registerTool(tool.name, { description: tool.description, inputSchema: tool.schema }, tool.handler);
}

const EXTRA = [
  { name: "extra_a", description: "Extra tool A" },
  { name: "extra_b", description: "Extra tool B" },
];
EXTRA.forEach(({ name, description }) => server.tool(name, description, async () => ({ content: [] })));

const ENTRIES = { ent_one: "Entry one", ent_two: "Entry two" };
for (const [name, desc] of Object.entries(ENTRIES)) {
  server.tool(name, desc, async () => ({ content: [] }));
}

async function registerRemote() {
  const remote = await fetchTools();
  for (const t of remote) {
    server.registerTool(t.name, { description: t.description }, async () => ({ content: [] }));
  }
}
registerRemote();

// A helper registers whatever its callers pass: one gap, whatever the count.
function addSimpleTool(s: McpServer, name: string, description: string) {
  s.tool(name, description, async () => ({ content: [{ type: "text", text: "simple" }] }));
}
addSimpleTool(server, "simple_a", "Simple A");

// A user's wrapper class is not the framework: what it registers counts.
class Registry {
  constructor(private s: McpServer) {}
  addTool(name: string) {
    this.s.tool(name, "Registered through a wrapper class", async () => ({ content: [] }));
  }
}
new Registry(server).addTool("wrapped");
