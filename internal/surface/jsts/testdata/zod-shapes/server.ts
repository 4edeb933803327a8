// Each property's schema is what zod-to-json-schema (SDK v1) emits, as
// surface.ParseLive reads it back.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

enum Color {
  Red = "red",
  Green = "green",
}

const server = new McpServer({ name: "shapes", version: "1.0.0" });

server.registerTool(
  "shapes",
  {
    description: "zod shapes",
    inputSchema: {
      nul: z.string().nullable(),
      nulChecked: z.string().min(1).nullable(),
      nullishNum: z.number().nullish(),
      prims: z.union([z.string(), z.number()]),
      lits: z.union([z.literal("a"), z.literal(1)]),
      enums: z.union([z.enum(["x"]), z.enum(["y", "x"])]),
      objs: z.union([z.object({ a: z.string().describe("A") }), z.object({ b: z.number() })]),
      objOrNull: z.union([z.object({ c: z.string() }), z.null()]),
      lit: z.literal("fixed"),
      tup: z.tuple([z.string(), z.number().describe("Second")]),
      anyv: z.any(),
      inter: z.object({ a: z.string() }).and(z.object({ b: z.string() })),
      big: z.bigint(),
      date: z.date(),
      mapped: z.map(z.string(), z.number()),
      native: z.nativeEnum(Color),
      refined: z.string().refine((s) => s.length > 0).nullable(),
      defaulted: z.number().default(3),
      either: z.string().or(z.boolean()),
    },
  },
  async () => ({ content: [] }),
);
