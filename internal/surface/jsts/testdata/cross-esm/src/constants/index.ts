export * from "./names.js";
export { HINT as PROJECT_HINT } from "./hints.js";
