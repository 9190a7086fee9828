import { ParseError } from "../parsers/errors.js";
import { splitLines } from "../parsers/text.js";

/** A license-file problem, naming the file and the (first physical) line of the statement. */
export class LicenseFileError extends ParseError {
  readonly file: string;

  constructor(file: string, message: string, lineNumber: number, lineText: string) {
    super(`${file}: ${message}`, lineNumber, lineText);
    this.file = file;
  }
}

export interface ServerLine {
  host: string;
  hostId: string;
  port?: number;
  lineNumber: number;
}

export interface VendorLine {
  name: string;
  daemonPath?: string;
  optionsFile?: string;
  port?: number;
  lineNumber: number;
}

export interface FeatureLine {
  kind: "FEATURE" | "INCREMENT";
  feature: string;
  vendor: string;
  version: string;
  /** "permanent" or dd-mmm-yyyy as written (lower-cased) */
  expires: string;
  count: number | "uncounted";
  /** keyword attributes (HOSTID, VENDOR_STRING, SIGN, …), keys upper-cased */
  attributes: Record<string, string>;
  lineNumber: number;
}

export interface LicenseFile {
  path: string;
  servers: ServerLine[];
  vendors: VendorLine[];
  useServer: boolean;
  features: FeatureLine[];
  warnings: string[];
}

interface Statement {
  lineNumber: number;
  lineText: string;
  tokens: string[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Parses a license file in FlexLM syntax. Throws LicenseFileError naming file and line. */
export function parseLicenseFile(text: string, path: string): LicenseFile {
  const result: LicenseFile = {
    path,
    servers: [],
    vendors: [],
    useServer: false,
    features: [],
    warnings: [],
  };
  for (const statement of statements(text, path)) {
    const [keyword = "", ...args] = statement.tokens;
    const fail = (message: string): never => {
      throw new LicenseFileError(path, message, statement.lineNumber, statement.lineText);
    };
    switch (keyword.toUpperCase()) {
      case "SERVER":
        result.servers.push(parseServer(args, statement.lineNumber, fail));
        break;
      case "VENDOR":
      case "DAEMON":
        result.vendors.push(parseVendor(args, statement.lineNumber, fail));
        break;
      case "USE_SERVER":
        result.useServer = true;
        break;
      case "FEATURE":
      case "INCREMENT":
        result.features.push(
          parseFeature(
            keyword.toUpperCase() as "FEATURE" | "INCREMENT",
            args,
            statement.lineNumber,
            fail,
          ),
        );
        break;
      case "PACKAGE":
      case "UPGRADE":
        result.warnings.push(
          `${path}:${statement.lineNumber}: ${keyword.toUpperCase()} lines are not supported and were ignored`,
        );
        break;
      default:
        fail(
          `unknown line type "${keyword}" (expected SERVER, VENDOR, USE_SERVER, FEATURE or INCREMENT)`,
        );
    }
  }
  return result;
}

/** Joins `\` continuations (also inside quotes), drops comments, and tokenizes each statement. */
function statements(text: string, path: string): Statement[] {
  const lines = splitLines(text);
  const out: Statement[] = [];
  let buffer = "";
  let startLine = 0;
  let startText = "";
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? "";
    if (buffer === "") {
      if (/^\s*(#|$)/.test(raw)) continue;
      startLine = index + 1;
      startText = raw;
    }
    const continued = /\\\s*$/.test(raw);
    buffer += ` ${continued ? raw.replace(/\\\s*$/, "") : raw}`;
    if (continued && index < lines.length - 1) continue;
    out.push({
      lineNumber: startLine,
      lineText: startText,
      tokens: tokenize(buffer, path, startLine, startText),
    });
    buffer = "";
  }
  return out;
}

function tokenize(text: string, path: string, lineNumber: number, lineText: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let inQuotes = false;
  let hasToken = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] ?? "";
    if (inQuotes) {
      if (ch === '"') inQuotes = false;
      else current += ch;
      continue;
    }
    if (ch === '"') {
      inQuotes = true;
      hasToken = true;
    } else if (/\s/.test(ch)) {
      if (hasToken) tokens.push(current);
      current = "";
      hasToken = false;
    } else if (ch === "#" && !hasToken) {
      break; // trailing comment
    } else {
      current += ch;
      hasToken = true;
    }
  }
  if (inQuotes) throw new LicenseFileError(path, "unterminated double quote", lineNumber, lineText);
  if (hasToken) tokens.push(current);
  return tokens;
}

function splitAttribute(token: string): [string, string | undefined] {
  const at = token.indexOf("=");
  return at < 0 ? [token, undefined] : [token.slice(0, at), token.slice(at + 1)];
}

function parsePort(text: string, fail: (m: string) => never): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    fail(`port "${text}" is not a TCP port number`);
  return Number(text);
}

function parseServer(args: string[], lineNumber: number, fail: (m: string) => never): ServerLine {
  const [host, hostId, ...rest] = args;
  if (host === undefined || hostId === undefined) fail("SERVER line needs a host and a hostid");
  const line: ServerLine = { host: host as string, hostId: hostId as string, lineNumber };
  for (const token of rest) {
    if (/^\d+$/.test(token)) line.port = parsePort(token, fail);
  }
  return line;
}

function parseVendor(args: string[], lineNumber: number, fail: (m: string) => never): VendorLine {
  const [name, ...rest] = args;
  if (name === undefined) fail("VENDOR line needs a vendor name");
  const line: VendorLine = { name: name as string, lineNumber };
  const positional: string[] = [];
  for (const token of rest) {
    const [key, value] = splitAttribute(token);
    const upper = key.toUpperCase();
    if (value !== undefined && upper === "PORT") line.port = parsePort(value, fail);
    else if (value !== undefined && upper === "OPTIONS") line.optionsFile = value;
    else positional.push(token);
  }
  // positional order: [daemon_path] [options_file] [port]
  const [first, second, third] = positional;
  if (first !== undefined) line.daemonPath = first;
  if (second !== undefined) line.optionsFile ??= second;
  if (third !== undefined) line.port ??= parsePort(third, fail);
  return line;
}

function parseFeature(
  kind: "FEATURE" | "INCREMENT",
  args: string[],
  lineNumber: number,
  fail: (m: string) => never,
): FeatureLine {
  if (args.length < 5) {
    fail(
      `${kind} line needs feature, vendor, version, expiry date and count (found ${args.length} fields)`,
    );
  }
  const [feature = "", vendor = "", version = "", expiry = "", count = "", ...rest] = args;
  if (!/^[A-Za-z0-9_.-]+$/.test(feature))
    fail(`feature name "${feature}" has characters FlexLM does not allow`);
  if (!/^\d+(\.\d+)*$/.test(version))
    fail(`version "${version}" is not a number like 1.0 or 2026.1`);
  const line: FeatureLine = {
    kind,
    feature,
    vendor,
    version,
    expires: parseExpiry(expiry, fail),
    count: parseFeatureCount(count, fail),
    attributes: {},
    lineNumber,
  };
  for (const token of rest) {
    const [key, value] = splitAttribute(token);
    if (value === undefined && !/^[A-Z_]+$/.test(key)) {
      // pre-v7.1 positional license key
      line.attributes["LICENSE_KEY"] = key;
      continue;
    }
    line.attributes[key.toUpperCase()] = value ?? "";
  }
  const start = line.attributes["START"];
  if (start !== undefined) {
    const parsed = parseExpiry(start, (message) =>
      fail(`START: ${message.replace("expiry date", "date")}`),
    );
    if (parsed === "permanent") fail(`START date "${start}" is not dd-mmm-yyyy`);
    line.attributes["START"] = parsed;
  }
  if (line.count === "uncounted" && line.attributes["HOSTID"] === undefined) {
    fail(`uncounted ${kind} "${feature}" needs a HOSTID`);
  }
  return line;
}

function parseFeatureCount(text: string, fail: (m: string) => never): number | "uncounted" {
  if (text.toLowerCase() === "uncounted") return "uncounted";
  if (!/^\d{1,9}$/.test(text))
    fail(`count "${text}" is neither a number of licenses nor "uncounted"`);
  const count = Number(text);
  return count === 0 ? "uncounted" : count;
}

function parseExpiry(text: string, fail: (m: string) => never): string {
  const lower = text.toLowerCase();
  if (lower === "permanent" || /^0{1,4}$/.test(lower)) return "permanent";
  const match = /^(\d{1,2})-([a-z]{3})-(\d{1,4})$/.exec(lower);
  if (!match) fail(`expiry date "${text}" is not dd-mmm-yyyy or "permanent"`);
  const [, day = "", month = "", year = ""] = match as RegExpExecArray;
  if (/^0+$/.test(year)) return "permanent";
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0) fail(`expiry date "${text}" has an unknown month "${month}"`);
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day)));
  if (year.length !== 4 || date.getUTCDate() !== Number(day))
    fail(`expiry date "${text}" is not a real date`);
  return `${Number(day)}-${month}-${year}`;
}

/** Start of a dd-mmm-yyyy day (UTC), in epoch ms: a START= date is valid from this instant. */
export function startInstant(date: string): number {
  const end = expiryInstant(date);
  if (end === null) throw new Error(`not a date: ${date}`);
  return end - 24 * 60 * 60 * 1000;
}

/** End of the expiry day (UTC), in epoch ms; null for permanent. A license is valid while now < this. */
export function expiryInstant(expires: string): number | null {
  if (expires === "permanent") return null;
  const match = /^(\d{1,2})-([a-z]{3})-(\d{4})$/.exec(expires);
  if (!match) throw new Error(`not an expiry date: ${expires}`);
  const [, day = "", month = "", year = ""] = match;
  return Date.UTC(Number(year), MONTHS.indexOf(month), Number(day) + 1);
}
