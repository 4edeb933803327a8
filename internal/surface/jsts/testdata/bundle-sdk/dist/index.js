"use strict";
// A bundle that inlines the SDK: its internal handlers are not the server's.

// node_modules/@modelcontextprotocol/sdk/dist/esm/server/mcp.js
var McpServer = class {
  constructor(serverInfo, options) {
    this.server = new Server(serverInfo, options);
    this._registeredTools = {};
  }
  setToolRequestHandlers() {
    this.server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: Object.entries(this._registeredTools)
        .filter(([, tool]) => tool.enabled)
        .map(([name, tool]) => ({ name, description: tool.description })),
    }));
    this.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const tool = this._registeredTools[request.params.name];
      if (!tool) {
        throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
      }
      return tool.callback(request.params.arguments, extra);
    });
  }
  tool(name, ...rest) {
    const cb = rest.pop();
    return this._createRegisteredTool(name, void 0, rest[0], void 0, cb);
  }
  registerTool(name, config, cb) {
    return this._createRegisteredTool(name, config.description, config.inputSchema, config.annotations, cb);
  }
  _createRegisteredTool(name, description, inputSchema, annotations, callback) {
    const registeredTool = {
      description,
      inputSchema,
      annotations,
      callback,
      enabled: true,
      disable: () => registeredTool.update({ enabled: false }),
      remove: () => registeredTool.update({ name: null }),
      update: (updates) => {
        Object.assign(registeredTool, updates);
        this.sendToolListChanged();
      },
    };
    this._registeredTools[name] = registeredTool;
    this.setToolRequestHandlers();
    this.sendToolListChanged();
    return registeredTool;
  }
  sendToolListChanged() {
    if (this.isConnected()) {
      this.server.sendToolListChanged();
    }
  }
};

// src/index.ts
var server = new McpServer({ name: "bundled-sdk", version: "1.0.0" }, { instructions: "Be brief." });
server.tool("hello", "Say hello", async () => ({ content: [{ type: "text", text: "hello" }] }));
