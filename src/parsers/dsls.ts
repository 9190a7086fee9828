/**
 * DSLS: `DSLicSrv -admin` fed `connect HOST PORT`, `getLicenseUsage -csv`, `quit` on stdin.
 *
 * The CSV header is found by its content, wherever it sits: after a warning line, or glued
 * to an `admin >` prompt. There is one row per (license, session); a license nobody uses has
 * a single row ending after `Inuse,`. `Count` and `Inuse` repeat on every session row of a
 * license, `Tokens` is that session's share, and `Host` reads `name (id)/ip`.
 * A feature licensed under several editors, models or contracts is summed.
 */
import { HEADER_START, readHeader } from "./dsls-header.js";
import { LicenseRows } from "./dsls-licenses.js";
import { ParseError, ServerError } from "./errors.js";
import { LineCursor, splitLines } from "./text.js";
import type { ParsedReport, Parser } from "./types.js";

const SERVER_ERROR = /Cannot connect to server\b.*/i;
const PROMPT = /^\s*admin\s*>\s*/;
/** What the tool prints before the CSV: banner, connect report, restricted-mode warning. */
const CHATTER = [
  /^\s*License Administration Tool\b/i,
  /^\s*Warning:/i,
  /^\s+\S/,
  /^\s*(?:Software version|Build date|Ready|Server name|Server id|Standalone mode|Failover mode)\b/i,
];

export function parseDslsUsage(output: string): ParsedReport {
  if (!/\S/.test(output)) throw new ParseError("DSLicSrv output is empty");
  throwServerError(output);
  const headerAt = output.indexOf(HEADER_START);
  if (headerAt < 0) throw noHeader(splitLines(output));

  const cursor = new LineCursor(output);
  const warnings: string[] = [];
  while (cursor.advance() && cursor.end <= headerAt) {
    const line = cursor.line();
    if (!isChatter(line)) warnings.push(`line ${cursor.number}: not understood: ${line}`);
  }
  const rows = new LicenseRows(output, readHeader(cursor.line(), cursor.number), warnings);
  readRows(cursor, rows);
  return { type: "dsls", features: rows.toFeatures(), warnings };
}

/** The first `Cannot connect to server …` anywhere in the output, as a ServerError. */
function throwServerError(output: string): void {
  const match = SERVER_ERROR.exec(output);
  if (!match) return;
  const cursor = new LineCursor(output);
  while (cursor.advance() && cursor.end <= match.index);
  throw new ServerError(`DSLicSrv reports: ${match[0].trim()}`, cursor.number, cursor.line());
}

/** Reads the lines after the header: rows, and further header lines that move the columns. */
function readRows(cursor: LineCursor, rows: LicenseRows): void {
  const output = cursor.text;
  // one search for the next header line, instead of looking for it in every row
  let nextHeader = output.indexOf(HEADER_START, cursor.end);
  while (cursor.advance()) {
    if (nextHeader >= 0 && nextHeader < cursor.end) {
      rows.useColumns(readHeader(cursor.line(), cursor.number));
      nextHeader = output.indexOf(HEADER_START, cursor.end);
      continue;
    }
    try {
      rows.read(cursor);
    } catch (error) {
      // every header line is checked before any row is judged: a bad later header wins
      throwBadHeaderAfter(cursor);
      throw error;
    }
  }
}

function throwBadHeaderAfter(cursor: LineCursor): void {
  while (cursor.advance()) {
    const line = cursor.line();
    if (line.includes(HEADER_START)) readHeader(line, cursor.number);
  }
}

function isChatter(line: string): boolean {
  const text = line.replace(PROMPT, "");
  return text.trim() === "" || CHATTER.some((pattern) => pattern.test(text));
}

function noHeader(lines: readonly string[]): ParseError | ServerError {
  const notReady = lines.findIndex((line) => /\bReady:\s*no\b/i.test(line));
  if (notReady >= 0) {
    return new ServerError("DSLS server is not ready", notReady + 1, lines[notReady] ?? "");
  }
  const unknown = lines.findIndex((line) => !isChatter(line));
  if (unknown >= 0) {
    return new ParseError("not DSLicSrv getLicenseUsage output", unknown + 1, lines[unknown] ?? "");
  }
  const last = lines.length;
  return new ParseError(
    "DSLicSrv printed no getLicenseUsage CSV header",
    last,
    lines[last - 1] ?? "",
  );
}

export const dslsParser: Parser = {
  type: "dsls",
  command: (server, opts = {}) => ({
    argv: [opts.binary ?? "DSLicSrv", "-admin"],
    stdin: `connect ${server.host} ${server.port}\ngetLicenseUsage -csv\nquit\n`,
  }),
  parse: parseDslsUsage,
};
