import { readFileSync } from "node:fs";
import type { Command } from "commander";
import {
  ParserError,
  ParserRegistryError,
  getParser,
  parserTypes,
  type Parser,
} from "../../parsers/index.js";

/** Exit code for output that is an error report or not understood, and for unusable input. */
const EXIT_NOT_PARSED = 2;

export function registerParseCommand(program: Command): void {
  program
    .command("parse")
    .description("parse a vendor tool's status output into JSON usage")
    .requiredOption("-t, --type <type>", `license server type (${parserTypes().join(", ")})`)
    .argument("[file]", "file with the tool's output, or - for stdin", "-")
    .action((file: string, opts: { type: string }) => {
      const fail = (message: string): void => {
        process.stderr.write(`lmkeeper parse: ${message}\n`);
        process.exitCode = EXIT_NOT_PARSED;
      };

      // the type is checked first, so a wrong one fails before waiting on stdin
      let parser: Parser;
      try {
        parser = getParser(opts.type);
      } catch (error) {
        if (!(error instanceof ParserRegistryError)) throw error;
        fail(error.message);
        return;
      }

      let text: string;
      try {
        text = readFileSync(file === "-" ? 0 : file, "utf8");
      } catch (error) {
        const source = file === "-" ? "standard input" : `"${file}"`;
        fail(`cannot read ${source}: ${describeReadError(error)}`);
        return;
      }

      try {
        const report = parser.parse(text);
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } catch (error) {
        if (error instanceof ParserError) {
          fail(`${file === "-" ? "stdin" : file}: ${error.name}: ${error.message}`);
          return;
        }
        throw error;
      }
    });
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
