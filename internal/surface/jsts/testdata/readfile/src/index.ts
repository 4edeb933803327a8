import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { readFileSync } from "node:fs";
import * as fs from "fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const __dirname = path.dirname(fileURLToPath(import.meta.url));

const server = new McpServer(
  { name: "kb", version: "1.0.0" },
  { instructions: readFileSync(new URL("../prompts/system.md", import.meta.url), "utf8") },
);

server.registerTool(
  "search",
  { description: readFileSync(path.join(__dirname, "descriptions", "search.md"), "utf8").trim() },
  async () => ({ content: [] }),
);

server.registerTool(
  "summarize",
  { description: fs.readFileSync(path.join(__dirname, "descriptions/summarize.md")).toString() },
  async () => ({ content: [] }),
);

server.registerTool(
  "cwd_relative",
  { description: readFileSync("./descriptions/cwd.md", "utf8") },
  async () => ({ content: [] }),
);
