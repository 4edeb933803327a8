// The tool list lives in its own module, as in many older servers.
export const TOOLS = [
  {
    name: "git_status",
    description: "Show the working tree status",
    inputSchema: {
      type: "object",
      properties: { repo_path: { type: "string", description: "Path to the repository" } },
      required: ["repo_path"],
    },
  },
  {
    name: "git_log",
    description: "Show the commit log",
    inputSchema: {
      type: "object",
      properties: {
        repo_path: { type: "string", description: "Path to the repository" },
        max_count: { type: "number", description: "Maximum number of commits", default: 10 },
      },
      required: ["repo_path"],
    },
  },
];
