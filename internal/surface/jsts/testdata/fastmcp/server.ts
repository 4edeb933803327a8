import { FastMCP, UserError } from "fastmcp";
import { z } from "zod";

const server = new FastMCP({
  name: "scraper",
  version: "1.0.0",
  instructions: "Scrape responsibly. Never scrape login pages.",
});

server.addTool({
  name: "scrape",
  description: "Scrape a URL and return its content as markdown",
  parameters: z.object({
    url: z.string().url().describe("Page to scrape"),
    formats: z.array(z.enum(["markdown", "html"])).optional().describe("Output formats"),
  }),
  annotations: { title: "Scrape page", readOnlyHint: true, openWorldHint: true },
  execute: async (args, { log }) => {
    if (!args.url.startsWith("http")) {
      throw new UserError("Only http(s) URLs are supported");
    }
    log.info("scraping");
    return `Scraped ${args.url}`;
  },
});

server.addTool({
  name: "version",
  description: "Report the server version",
  execute: async () => "1.0.0",
});

server.addPrompt({
  name: "summarize",
  description: "Summarize a page",
  arguments: [{ name: "url", description: "Page URL", required: true }],
  load: async ({ url }) => `Summarize ${url}`,
});

server.addResource({
  uri: "file:///logs/app.log",
  name: "Application logs",
  mimeType: "text/plain",
  async load() {
    return { text: "log" };
  },
});

server.addResourceTemplate({
  uriTemplate: "file:///logs/{name}.log",
  name: "Named logs",
  mimeType: "text/plain",
  arguments: [{ name: "name", description: "Log name", required: true }],
  async load({ name }) {
    return { text: name };
  },
});
