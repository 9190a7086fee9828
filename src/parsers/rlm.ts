import { ParseError } from "./errors.js";
import type { Parser } from "./types.js";

// Placeholder until the rlm parser lands.
export const rlmParser: Parser = {
  type: "rlm",
  command: (server) => ({ argv: ["rlm", String(server.port), server.host] }),
  parse: () => {
    throw new ParseError("rlm parser pending");
  },
};
