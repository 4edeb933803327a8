import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import * as types from "@modelcontextprotocol/sdk/types.js";
import { TOOLS } from "./tools.js";

declare function git(...args: unknown[]): Promise<string>;

const server = new Server({ name: "git", version: "1.0.0" }, { capabilities: { tools: {} } });

server.setRequestHandler(types.ListToolsRequestSchema, async () => ({ tools: TOOLS }));

server.setRequestHandler(types.CallToolRequestSchema, async ({ params: { name, arguments: a } }) => {
  if (name === "git_status" || name === "git_state") {
    return { content: [{ type: "text", text: await git("status", a?.repo_path) }] };
  }
  if ("git_log" === name) {
    return { content: [{ type: "text", text: await git("log", a) }] };
  }
  return { isError: true, content: [{ type: "text", text: "Unknown tool" }] };
});
