import {
  ParseError,
  ServerError,
  type ParsedReport,
  type Parser,
  type ServerAddress,
} from "../parsers/index.js";
import type { ToolRunner } from "./tool-runner.js";

export interface ServerAttempt {
  server: ServerAddress;
  ok: boolean;
  /** why this server did not give a usable answer */
  error?: string;
  durationMs: number;
}

export type ServerQueryOutcome =
  | { ok: true; report: ParsedReport; server: ServerAddress; attempts: ServerAttempt[] }
  | { ok: false; attempts: ServerAttempt[]; errors: string[] };

export interface QueryOptions {
  parser: Parser;
  /** path of the vendor tool for this type, when configured */
  binary?: string;
  timeoutMs: number;
  /** bytes of output kept per run (the tool runner's default when absent) */
  maxOutputBytes?: number;
  runTool: ToolRunner;
  env?: NodeJS.ProcessEnv;
  /** the exit status of this type's tool carries no meaning (LS-DYNA) */
  ignoreExitCode?: boolean;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;
const IPV6 = /^\[?[0-9A-Fa-f:.]+\]?$/;
const NON_BLANK = /\S/;

/** Why an address is unfit to be put on a tool's command line, or undefined when it is fine. */
export function invalidAddressReason(server: ServerAddress): string | undefined {
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65_535) {
    return `port ${JSON.stringify(server.port)} is not in 1-65535`;
  }
  if (!HOSTNAME.test(server.host) && !(server.host.includes(":") && IPV6.test(server.host))) {
    return `host ${JSON.stringify(server.host)} is not a hostname or IP address`;
  }
  return undefined;
}

/**
 * Asks the license servers in their configured order; the first usable answer wins.
 * A server is skipped when the tool times out, cannot start, says the server is down
 * (ServerError), prints something the parser does not understand (ParseError), or exits
 * non-zero without usable output. Nothing is ever turned into a count of zero.
 */
export async function queryServers(
  servers: ServerAddress[],
  options: QueryOptions,
): Promise<ServerQueryOutcome> {
  const attempts: ServerAttempt[] = [];
  if (servers.length === 0) {
    return { ok: false, attempts, errors: ["no license server configured"] };
  }
  for (const server of servers) {
    const where = `${server.host}:${server.port}`;
    const invalid = invalidAddressReason(server);
    if (invalid) {
      attempts.push({ server, ok: false, error: `${where}: ${invalid}`, durationMs: 0 });
      continue;
    }
    const command = options.parser.command(
      server,
      options.binary ? { binary: options.binary } : {},
    );
    const run = await options.runTool(command, {
      timeoutMs: options.timeoutMs,
      ...(options.maxOutputBytes !== undefined ? { maxBuffer: options.maxOutputBytes } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    const failure = (error: string): void => {
      attempts.push({ server, ok: false, error: `${where}: ${error}`, durationMs: run.durationMs });
    };
    if (run.failure) {
      failure(run.failure);
      continue;
    }
    if (run.timedOut) {
      failure(`no answer within ${options.timeoutMs} ms; the tool was killed`);
      continue;
    }
    const exitNote =
      !options.ignoreExitCode && run.exitCode !== 0 ? ` (exit status ${String(run.exitCode)})` : "";
    if (isBlank(run.stdout)) {
      failure(`no output${exitNote}${run.stderr.trim() ? `: ${firstLine(run.stderr)}` : ""}`);
      continue;
    }
    try {
      const report = options.parser.parse(run.stdout);
      attempts.push({ server, ok: true, durationMs: run.durationMs });
      return { ok: true, report, server, attempts };
    } catch (error) {
      if (error instanceof ServerError || error instanceof ParseError) {
        failure(`${error.name}: ${error.message}${exitNote}`);
        continue;
      }
      throw error;
    }
  }
  return { ok: false, attempts, errors: attempts.map((attempt) => attempt.error ?? "failed") };
}

/** Same answer as `text.trim() === ""` (\s is trim's character set) without copying the text. */
function isBlank(text: string): boolean {
  return !NON_BLANK.test(text);
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.slice(0, 200) ?? "";
}
