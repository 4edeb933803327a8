import { PROJECT_HINT } from "./constants/index.js";

export const DESCRIPTIONS = {
  resolve: `Resolves a package name to a library id. ${PROJECT_HINT}`,
  docs: "   Fetches up-to-date documentation for a library.   ".trim(),
} as const;

export default "Lists every library the server knows.";
