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
import { keepClassesWarm } from "./scan.js";
import { LineCursor, lineAround, lineNumberAt, splitLines } from "./text.js";
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
  return readUsage(output).report;
}

/** The report, with the objects that built it (kept alive for a sample, below). */
function readUsage(output: string): {
  report: ParsedReport;
  cursor: LineCursor;
  rows: LicenseRows;
} {
  if (!/\S/.test(output)) throw new ParseError("DSLicSrv output is empty");
  const headers = headerPositions(output);
  const headerAt = headers[0];
  if (headerAt === undefined) throw noHeader(splitLines(output));

  const cursor = new LineCursor(output);
  const warnings: string[] = [];
  while (cursor.advance() && cursor.end <= headerAt) {
    const line = cursor.line();
    if (!isChatter(line)) warnings.push(`line ${cursor.number}: not understood: ${line}`);
  }
  const rows = new LicenseRows(output, readHeader(cursor.line(), cursor.number), warnings);
  readRows(cursor, rows, headers);
  return { report: { type: "dsls", features: rows.toFeatures(), warnings }, cursor, rows };
}

/**
 * Where the header lines start. The server's connection error counts before the first header
 * (or anywhere when there is none): once the CSV has begun, the server has answered, and a row
 * that happens to hold those words is data.
 */
function headerPositions(output: string): number[] {
  const headers: number[] = [];
  for (let at = output.indexOf(HEADER_START); at >= 0;) {
    headers.push(at);
    at = output.indexOf(HEADER_START, at + HEADER_START.length);
  }
  const beforeCsv = headers[0] === undefined ? output : output.slice(0, headers[0]);
  const error = SERVER_ERROR.exec(beforeCsv);
  if (error) {
    const line = lineAround(output, error.index);
    throw new ServerError(
      `DSLicSrv reports: ${error[0].trim()}`,
      lineNumberAt(output, line.start),
      line.text,
    );
  }
  return headers;
}

/** Reads the lines after the header: rows, and further header lines that move the columns. */
function readRows(cursor: LineCursor, rows: LicenseRows, headers: readonly number[]): void {
  let nextHeader = headerAfter(headers, 0, cursor.end);
  while (cursor.advance()) {
    const header = headers[nextHeader];
    if (header !== undefined && header < cursor.end) {
      rows.useColumns(readHeader(cursor.line(), cursor.number));
      nextHeader = headerAfter(headers, nextHeader, cursor.end);
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

/** The index of the first header position at or after `end`, searching from `from`. */
function headerAfter(headers: readonly number[], from: number, end: number): number {
  let index = from;
  // a line holding the header text twice is still one header line
  while ((headers[index] ?? Infinity) < end) index++;
  return index;
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

// Parsing a two-row sample once keeps every class and object shape of a parse alive (see
// keepClassesWarm), so a large parse after a full collection does not start cold.
keepClassesWarm(
  readUsage(
    [
      `admin >${HEADER_START}Model,Expiration Date,Customer ID,Count,Inuse,Tokens,Host,User,`,
      "DS,5E756A80,F,Token,2030-01-01 00:59:00,1,10,1,1,ws1 (1.0)/10.0.0.1,kim,",
      "DS,5E756A80,G,Token,2030-01-01 00:59:00,1,10,0,",
    ].join("\n"),
  ),
);

export const dslsParser: Parser = {
  type: "dsls",
  command: (server, opts = {}) => ({
    argv: [opts.binary ?? "DSLicSrv", "-admin"],
    stdin: `connect ${server.host} ${server.port}\ngetLicenseUsage -csv\nquit\n`,
  }),
  parse: parseDslsUsage,
};
