import { readFileSync } from "node:fs";
import type { Command } from "commander";

/** Options shared by every command that talks to an lmkeeper license server. */
export interface ConnectionFlags {
  url?: string;
  ca?: string;
  insecure?: boolean;
}

export const DEFAULT_SERVER_URL = "http://127.0.0.1:7070";

export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      "--url <url>",
      `license server URL (env LMKEEPER_SERVER_URL, default ${DEFAULT_SERVER_URL}); checkout and checkin take a failover pair as MAIN_URL,BACKUP_URL`,
    )
    .option("--ca <file>", "PEM file with the CA certificate to trust for https")
    .option("--insecure", "do not verify the server's TLS certificate");
}

export function serverUrl(flags: ConnectionFlags): string {
  return flags.url ?? process.env["LMKEEPER_SERVER_URL"] ?? DEFAULT_SERVER_URL;
}

export function tlsOptions(flags: ConnectionFlags): { ca?: Buffer; insecure?: boolean } {
  const options: { ca?: Buffer; insecure?: boolean } = {};
  if (flags.ca) options.ca = readFileSync(flags.ca);
  if (flags.insecure) options.insecure = true;
  return options;
}

/** Prints `lmkeeper <command>: <message>` and sets the exit code. */
export function fail(command: string, error: unknown, exitCode = 2): void {
  process.stderr.write(`lmkeeper ${command}: ${(error as Error).message ?? String(error)}\n`);
  process.exitCode = exitCode;
}
