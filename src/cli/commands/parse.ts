import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { ParserError, parseOutput, parserTypes } from "../../parsers/index.js";

export function registerParseCommand(program: Command): void {
  program
    .command("parse")
    .description("parse a vendor tool's status output into JSON usage")
    .requiredOption("-t, --type <type>", `license server type (${parserTypes().join(", ")})`)
    .argument("[file]", "file with the tool's output, or - for stdin", "-")
    .action((file: string, opts: { type: string }) => {
      const text = readFileSync(file === "-" ? 0 : file, "utf8");
      try {
        const report = parseOutput(opts.type, text);
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } catch (error) {
        if (error instanceof ParserError) {
          process.stderr.write(`lmkeeper parse: ${error.name}: ${error.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
}
