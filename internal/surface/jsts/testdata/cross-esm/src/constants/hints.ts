export const HINT = "Use the project id shown on the settings page.";
