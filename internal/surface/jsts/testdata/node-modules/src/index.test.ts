server.tool("test_only", "Declared in a test", async () => ({ content: [] }));
