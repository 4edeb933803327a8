export const RESOLVE_LIBRARY_ID = "resolve-library-id";
export const GET_DOCS = "get-library-docs";
