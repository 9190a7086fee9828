/**
 * DSLS: `DSLicSrv -admin` fed `connect HOST PORT`, `getLicenseUsage -csv`, `quit` on stdin.
 *
 * The CSV header is found by its content, wherever it sits: after a warning line, or glued
 * to an `admin >` prompt. There is one row per (license, session); a license nobody uses has
 * a single row ending after `Inuse,`. `Count` and `Inuse` repeat on every session row of a
 * license, `Tokens` is that session's share, and `Host` reads `name (id)/ip`.
 * A feature licensed under several editors, models or contracts is summed.
 */
import { ParseError, ServerError } from "./errors.js";
import { FeatureAccumulator } from "./feature-totals.js";
import { parseCount, splitLines } from "./text.js";
import type { FeatureUsage, ParsedReport, Parser } from "./types.js";

const HEADER_START = "Editor,EditorId,Feature,";
const SERVER_ERROR = /Cannot connect to server\b.*/i;
const PROMPT = /^\s*admin\s*>\s*/;
/** What the tool prints before the CSV: banner, connect report, restricted-mode warning. */
const CHATTER = [
  /^\s*License Administration Tool\b/i,
  /^\s*Warning:/i,
  /^\s+\S/,
  /^\s*(?:Software version|Build date|Ready|Server name|Server id|Standalone mode|Failover mode)\b/i,
];

/** Columns whose meaning is fixed; the first group identifies a license (pool). */
const LICENSE_COLUMNS = [
  "Editor",
  "EditorId",
  "Feature",
  "Model",
  "Commercial Type",
  "Max Release Number",
  "Max Release Date",
  "Pricing Structure",
  "Max Casual Duration",
  "Expiration Date",
  "Customer ID",
] as const;
const REQUIRED_COLUMNS = ["Feature", "Count", "Inuse"] as const;

interface Columns {
  index: (name: string) => number | undefined;
  feature: number;
  count: number;
  inuse: number;
  /** positions of LICENSE_COLUMNS, -1 where the header lacks one: resolved once per header */
  license: number[];
}

interface CsvRow {
  /** the header in force for this row */
  columns: Columns;
  fields: string[];
  lineNumber: number;
  line: string;
}

export function parseDslsUsage(output: string): ParsedReport {
  const lines = splitLines(output);
  if (lines.every((line) => line.trim() === "")) {
    throw new ParseError("DSLicSrv output is empty");
  }
  lines.forEach((line, index) => {
    const match = SERVER_ERROR.exec(line);
    if (match) throw new ServerError(`DSLicSrv reports: ${match[0].trim()}`, index + 1, line);
  });

  const headerIndex = lines.findIndex((line) => line.includes(HEADER_START));
  if (headerIndex < 0) throw noHeader(lines);

  const warnings: string[] = [];
  lines.slice(0, headerIndex).forEach((line, index) => {
    const text = line.replace(PROMPT, "");
    if (text.trim() === "" || CHATTER.some((pattern) => pattern.test(text))) return;
    warnings.push(`line ${index + 1}: not understood: ${line}`);
  });

  let columns = readHeader(lines[headerIndex] ?? "", headerIndex + 1);
  const rows: CsvRow[] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const lineNumber = index + 1;
    if (line.includes(HEADER_START)) {
      columns = readHeader(line, lineNumber);
      continue;
    }
    const text = line.replace(PROMPT, "");
    if (text.trim() === "") continue;
    const fields = text.split(",").map((field) => field.trim());
    if (fields.length <= columns.inuse) {
      warnings.push(`line ${lineNumber}: not understood: ${line}`);
      continue;
    }
    rows.push({ fields, lineNumber, line, columns });
  }
  return { type: "dsls", features: sumLicenses(rows), warnings };
}

function readHeader(line: string, lineNumber: number): Columns {
  const names = line
    .slice(line.indexOf(HEADER_START))
    .split(",")
    .map((name) => name.trim());
  const positions = new Map<string, number>();
  names.forEach((name, position) => {
    if (name && !positions.has(name)) positions.set(name, position);
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!positions.has(required)) {
      throw new ParseError(`getLicenseUsage header has no "${required}" column`, lineNumber, line);
    }
  }
  return {
    index: (name) => positions.get(name),
    feature: positions.get("Feature") ?? 0,
    count: positions.get("Count") ?? 0,
    inuse: positions.get("Inuse") ?? 0,
    license: LICENSE_COLUMNS.map((name) => positions.get(name) ?? -1),
  };
}

/**
 * Identifies a row's license: its describing fields plus Count and Inuse. Each part is
 * length-prefixed, so no field content can make two different licenses share a key.
 */
function licenseKeyOf(
  fields: readonly string[],
  columns: Columns,
  name: string,
  total: number,
  used: number,
): string {
  let key = "";
  for (const position of columns.license) {
    const value = position < 0 ? "" : (fields[position] ?? "");
    key += `${value.length}:${value}`;
  }
  const folded = name.toLowerCase();
  return `${key}${folded.length}:${folded}${total}:${used}`;
}

/**
 * Groups rows by license (every describing column plus Count and Inuse): each license adds
 * its Count and Inuse once, and each of its session rows adds a use.
 */
function sumLicenses(rows: readonly CsvRow[]): FeatureUsage[] {
  const features = new FeatureAccumulator();
  const seenLicenses = new Map<string, FeatureUsage>();
  for (const { fields, lineNumber, line, columns } of rows) {
    const field = (name: string): string => {
      const position = columns.index(name);
      return position === undefined ? "" : (fields[position] ?? "");
    };
    const name = fields[columns.feature] ?? "";
    if (!name) throw new ParseError("row has no feature name", lineNumber, line);
    const total = parseCount(fields[columns.count] ?? "", lineNumber, line, "Count");
    const used = parseCount(fields[columns.inuse] ?? "", lineNumber, line, "Inuse");

    const licenseKey = licenseKeyOf(fields, columns, name, total, used);
    let feature = seenLicenses.get(licenseKey);
    if (feature === undefined) {
      feature = features.addPool(name, {
        total,
        vendor: field("Editor") || undefined,
        expires: field("Expiration Date") || undefined,
      });
      feature.used += used;
      seenLicenses.set(licenseKey, feature);
    }

    const user = field("User");
    const host = field("Host");
    const tokens = field("Tokens");
    if (!user && !host && !tokens) continue;
    feature.uses.push({
      username: user,
      host: host.split(/\s+/)[0] ?? "",
      // a session of a non-token model holds one license and prints no token share
      count: tokens === "" ? 1 : parseCount(tokens, lineNumber, line, "Tokens"),
    });
  }
  return features.toFeatures();
}

function noHeader(lines: readonly string[]): ParseError | ServerError {
  const notReady = lines.findIndex((line) => /\bReady:\s*no\b/i.test(line));
  if (notReady >= 0) {
    return new ServerError("DSLS server is not ready", notReady + 1, lines[notReady] ?? "");
  }
  const unknown = lines.findIndex((line) => {
    const text = line.replace(PROMPT, "");
    return text.trim() !== "" && !CHATTER.some((pattern) => pattern.test(text));
  });
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
