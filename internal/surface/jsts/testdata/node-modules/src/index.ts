// A thin wrapper: every tool lives in the bundled dependency.
import "weather-mcp/dist/index.js";
