import { ParseError } from "./errors.js";
import type { Parser } from "./types.js";

// Placeholder until the olicense parser lands.
export const olicenseParser: Parser = {
  type: "olicense",
  command: (server) => ({ argv: ["olicense", String(server.port), server.host] }),
  parse: () => {
    throw new ParseError("olicense parser pending");
  },
};
