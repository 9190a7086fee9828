import { ParserRegistryError } from "./errors.js";
import { dslsParser } from "./dsls.js";
import { flexlmParser } from "./flexlm.js";
import { lmxParser } from "./lmx.js";
import { lsdynaParser } from "./lsdyna.js";
import { olicenseParser } from "./olicense.js";
import { rlmParser } from "./rlm.js";
import type { ParsedReport, Parser } from "./types.js";

export const BUILTIN_PARSERS: readonly Parser[] = [
  flexlmParser,
  rlmParser,
  lsdynaParser,
  lmxParser,
  olicenseParser,
  dslsParser,
];

/** A set of parsers keyed by type. The package-level functions below use a default instance. */
export class ParserRegistry {
  private readonly parsers = new Map<string, Parser>();

  constructor(initial: readonly Parser[] = BUILTIN_PARSERS) {
    for (const parser of initial) this.register(parser);
  }

  register(parser: Parser): void {
    const type = parser.type.trim();
    if (!type) throw new ParserRegistryError("a parser needs a non-empty type");
    if (this.parsers.has(type)) {
      throw new ParserRegistryError(`a parser for type "${type}" is already registered`);
    }
    this.parsers.set(type, parser);
  }

  get(type: string): Parser {
    const parser = this.parsers.get(type);
    if (!parser) {
      throw new ParserRegistryError(
        `no parser for type "${type}" (known: ${this.types().join(", ")})`,
      );
    }
    return parser;
  }

  has(type: string): boolean {
    return this.parsers.has(type);
  }

  types(): string[] {
    return [...this.parsers.keys()];
  }
}

const defaultRegistry = new ParserRegistry();

/** Adds a parser for a new type to the default registry; a type already registered is an error. */
export function registerParser(parser: Parser): void {
  defaultRegistry.register(parser);
}

export function getParser(type: string): Parser {
  return defaultRegistry.get(type);
}

export function parserTypes(): string[] {
  return defaultRegistry.types();
}

/** Parses a tool's output with the parser registered for `type`. */
export function parseOutput(type: string, output: string): ParsedReport {
  return defaultRegistry.get(type).parse(output);
}
