import { ParseError } from "./errors.js";
import type { Parser } from "./types.js";

// Placeholder until the lsdyna parser lands.
export const lsdynaParser: Parser = {
  type: "lsdyna",
  command: (server) => ({ argv: ["lsdyna", String(server.port), server.host] }),
  parse: () => {
    throw new ParseError("lsdyna parser pending");
  },
};
