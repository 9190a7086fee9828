import { ParseError } from "./errors.js";
import type { Parser } from "./types.js";

// Placeholder until the lmx parser lands.
export const lmxParser: Parser = {
  type: "lmx",
  command: (server) => ({ argv: ["lmx", String(server.port), server.host] }),
  parse: () => {
    throw new ParseError("lmx parser pending");
  },
};
