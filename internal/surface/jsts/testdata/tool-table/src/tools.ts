import { z } from "zod";

export const TOOLS = [
  {
    name: "list_issues",
    description: "List the open issues of a repository",
    schema: { repo: z.string().describe("owner/name") },
    handler: async ({ repo }: { repo: string }) => ({ content: [{ type: "text", text: "No open issues." }] }),
  },
  {
    name: "close_issue",
    description: "Close an issue",
    schema: { repo: z.string(), number: z.number().int(), reason: z.string().optional() },
    handler: async (args: { repo: string; number: number }) => ({
      content: [{ type: "text", text: `closed ${args.repo}#${args.number}` }],
    }),
  },
];
