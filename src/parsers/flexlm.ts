import { ParseError } from "./errors.js";
import type { Parser } from "./types.js";

// Placeholder until the flexlm parser lands.
export const flexlmParser: Parser = {
  type: "flexlm",
  command: (server) => ({ argv: ["flexlm", String(server.port), server.host] }),
  parse: () => {
    throw new ParseError("flexlm parser pending");
  },
};
export function parseLmstatExpiryTable(_output: string): never {
  throw new ParseError("pending");
}
