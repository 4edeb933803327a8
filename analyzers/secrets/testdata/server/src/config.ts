import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

// Credentials the author forgot to move out of the source.
// want +1 SEC001:"GitHub Personal Access Token"
export const GITHUB_TOKEN = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
export const SLACK_BOT_TOKEN = "xoxb-865797543231-9487574911862-Wvj7FAc9QeWJKY40uvSwMFLZ"; // want SEC001:"Slack Bot"

// Placeholders and references are not secrets.
export const OPENAI_API_KEY = process.env.OPENAI_API_KEY ?? "YOUR_API_KEY";
export const example = { apiKey: "your_api_key_here" };

// A token hidden in base64 is still found once decoded.
// want +1 SEC001:"GitHub Personal Access Token"
export const bootstrap = Buffer.from("QXV0aG9yaXphdGlvbiB0b2tlbjogZ2hwX0tMemRvY0oyaXNBakloS3RKMFJsZ0xLT214Z0pUZUtkTm5GUg==", "base64").toString();

export const server = new McpServer({ name: "issues", version: "1.0.0" });
