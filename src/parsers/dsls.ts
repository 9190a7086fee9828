import { ParseError } from "./errors.js";
import type { Parser } from "./types.js";

// Placeholder until the dsls parser lands.
export const dslsParser: Parser = {
  type: "dsls",
  command: (server) => ({ argv: ["dsls", String(server.port), server.host] }),
  parse: () => {
    throw new ParseError("dsls parser pending");
  },
};
