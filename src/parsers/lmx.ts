import { ParseError, ServerError } from "./errors.js";
import { scanXmlTags, type XmlTag } from "./lmx-xml.js";
import { parseCount, splitLines } from "./text.js";
import {
  UNLIMITED_TOTAL,
  type FeatureUsage,
  type LicenseUse,
  type ParsedReport,
  type Parser,
} from "./types.js";

/**
 * Reads `lmxendutil -licstat` (text) and `-licstatxml` (XML) output, telling them apart by
 * content. Both are preceded by the utility's banner. A feature printed more than once
 * (several servers or versions) is summed. A total of 2147483647 is LM-X's "unlimited".
 */

const SERVER_ERRORS: readonly RegExp[] = [
  /There are no license server\(s\) available/i,
  /\b(cannot|can not|could not|unable to) connect to (the )?license server/i,
];
const XML_START = /^<(\?xml\b|LM-X\b|LICENSE_PATH\b)/i;

const SERVER_HEADER = /^LM-X License Server on \S+/i;
const FEATURE_HEADER =
  /^Feature:\s*(\S+)(?:\s+Version:(?:[ \t]+(?!Vendor:)(\S+))?)?(?:\s+Vendor:(?:[ \t]+(\S+))?)?/;
const DATES = /^Start date:\s*\S+\s+Expire date:\s*(\S+)/;
const COUNTS = /^(\S+) of (\S+) license\(s\) used:?$/;
const USER = /^(\S+) license\(s\) used by (\S+)@(\S+)(?:\s+\[[^\]]*\])?$/;
const IGNORED_FEATURE_LINES: readonly RegExp[] = [
  /^Key type:/,
  /^Login time:/,
  /^Checkout time:/,
  /^Shared on\b/,
  /^[-+=]{5,}$/,
];

interface FeatureBlock {
  feature: string;
  version?: string;
  vendor?: string;
  expires?: string;
  total?: number;
  used?: number;
  uses: LicenseUse[];
  lineNumber: number;
  lineText: string;
}

export function parseLmxendutil(output: string): ParsedReport {
  const lines = splitLines(output);
  if (lines.every((line) => line.trim() === "")) {
    throw new ParseError("lmxendutil output is empty");
  }
  lines.forEach((raw, index) => {
    if (SERVER_ERRORS.some((re) => re.test(raw))) {
      throw new ServerError("LM-X license server is not reachable", index + 1, raw);
    }
  });
  const xmlLine = lines.findIndex((line) => XML_START.test(line.trim()));
  return xmlLine >= 0 ? parseXml(output, lines, xmlLine) : parseText(lines);
}

function parseText(lines: readonly string[]): ParsedReport {
  const blocks: FeatureBlock[] = [];
  const warnings: string[] = [];
  let current: FeatureBlock | undefined;
  let sawServer = false;

  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === "") return;
    if (SERVER_HEADER.test(line)) {
      sawServer = true;
      current = undefined;
      return;
    }
    const header = FEATURE_HEADER.exec(line);
    if (header) {
      current = { feature: header[1] ?? "", uses: [], lineNumber, lineText: raw };
      if (header[2]) current.version = header[2];
      if (header[3]) current.vendor = header[3];
      blocks.push(current);
      return;
    }
    if (!current) return;

    const counts = COUNTS.exec(line);
    if (counts) {
      current.used = parseCount(counts[1] ?? "", lineNumber, raw, "licenses used");
      current.total = parseCount(counts[2] ?? "", lineNumber, raw, "licenses issued");
      return;
    }
    const user = USER.exec(line);
    if (user) {
      current.uses.push({
        username: user[2] ?? "",
        host: user[3] ?? "",
        count: parseCount(user[1] ?? "", lineNumber, raw, "licenses held"),
      });
      return;
    }
    const dates = DATES.exec(line);
    if (dates) {
      current.expires = dates[1] ?? "";
      return;
    }
    if (IGNORED_FEATURE_LINES.some((re) => re.test(line))) return;
    warnings.push(`line ${lineNumber}: not understood in feature ${current.feature}: ${raw}`);
  });

  if (!sawServer && blocks.length === 0) {
    throw new ParseError(
      "no LM-X license server found in the output",
      1,
      lines[0] ?? "",
      numbered(lines),
    );
  }
  return { type: "lmx", features: mergeBlocks(blocks), warnings };
}

function parseXml(output: string, lines: readonly string[], firstXmlLine: number): ParsedReport {
  const startOffset = offsetOfLine(output, firstXmlLine);
  const tags = scanXmlTags(output, startOffset);
  const blocks: FeatureBlock[] = [];
  const warnings: string[] = [];
  const failedPaths: XmlTag[] = [];
  let paths = 0;
  let pathFailed = false;
  let current: FeatureBlock | undefined;

  for (const tag of tags) {
    if (tag.kind === "close") {
      if (tag.name === "FEATURE") current = undefined;
      if (tag.name === "LICENSE_PATH") pathFailed = false;
      continue;
    }
    if (tag.name === "LICENSE_PATH") {
      paths += 1;
      const status = tag.attributes.get("STATUS");
      pathFailed = status !== undefined && status.toUpperCase() !== "SUCCESS";
      if (pathFailed) failedPaths.push(tag);
      if (tag.selfClosing) pathFailed = false;
      continue;
    }
    if (pathFailed) continue;
    if (tag.name === "FEATURE") {
      const block = readXmlFeature(tag);
      blocks.push(block);
      current = tag.selfClosing ? undefined : block;
      continue;
    }
    if (tag.name === "USER") {
      if (!current) {
        warnings.push(`line ${tag.lineNumber}: USER outside a FEATURE: ${tag.lineText}`);
        continue;
      }
      current.uses.push(readXmlUser(tag));
    }
  }

  const failed = failedPaths[0];
  if (failed && failedPaths.length === paths) {
    const status = failed.attributes.get("STATUS") ?? "";
    throw new ServerError(
      `LM-X license server answered STATUS="${status}"`,
      failed.lineNumber,
      failed.lineText,
    );
  }
  for (const path of failedPaths) {
    warnings.push(
      `line ${path.lineNumber}: license path ${path.attributes.get("HOST") ?? "?"} answered STATUS="${path.attributes.get("STATUS") ?? ""}"`,
    );
  }
  if (paths === 0 && blocks.length === 0) {
    throw new ParseError(
      "no LICENSE_PATH or FEATURE element in the XML",
      firstXmlLine + 1,
      lines[firstXmlLine] ?? "",
    );
  }
  return { type: "lmx", features: mergeBlocks(blocks), warnings };
}

function readXmlFeature(tag: XmlTag): FeatureBlock {
  const attribute = (name: string): string | undefined => tag.attributes.get(name);
  const count = (name: string): number => {
    const value = attribute(name);
    if (value === undefined) {
      throw new ParseError(`FEATURE has no ${name}`, tag.lineNumber, tag.lineText);
    }
    return parseCount(value, tag.lineNumber, tag.lineText, name);
  };
  const name = attribute("NAME");
  if (!name) throw new ParseError("FEATURE has no NAME", tag.lineNumber, tag.lineText);
  const block: FeatureBlock = {
    feature: name,
    used: count("USED_LICENSES"),
    total: count("TOTAL_LICENSES"),
    uses: [],
    lineNumber: tag.lineNumber,
    lineText: tag.lineText,
  };
  // DENIED_LICENSES has no field in the report yet; still refuse a garbled one
  if (attribute("DENIED_LICENSES") !== undefined) count("DENIED_LICENSES");
  const version = attribute("VERSION");
  if (version) block.version = version;
  const vendor = attribute("VENDOR");
  if (vendor) block.vendor = vendor;
  const expires = attribute("END");
  if (expires) block.expires = expires;
  return block;
}

function readXmlUser(tag: XmlTag): LicenseUse {
  const used = tag.attributes.get("USED_LICENSES");
  if (used === undefined)
    throw new ParseError("USER has no USED_LICENSES", tag.lineNumber, tag.lineText);
  return {
    username: tag.attributes.get("NAME") ?? "",
    host: tag.attributes.get("HOST") ?? "",
    count: parseCount(used, tag.lineNumber, tag.lineText, "USED_LICENSES"),
  };
}

function offsetOfLine(text: string, lineIndex: number): number {
  let offset = 0;
  for (let i = 0; i < lineIndex; i += 1) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

/** Sums blocks of the same feature; version, vendor and expiry only when every block agrees. */
function mergeBlocks(blocks: readonly FeatureBlock[]): FeatureUsage[] {
  const merged = new Map<string, { usage: FeatureUsage; blocks: FeatureBlock[] }>();
  for (const block of blocks) {
    if (block.total === undefined || block.used === undefined) {
      throw new ParseError(
        `feature "${block.feature}" has no license counts`,
        block.lineNumber,
        block.lineText,
      );
    }
    const key = block.feature.toLowerCase();
    const entry = merged.get(key);
    const unlimited = block.total >= UNLIMITED_TOTAL;
    if (!entry) {
      const usage: FeatureUsage = {
        feature: block.feature,
        total: Math.min(block.total, UNLIMITED_TOTAL),
        used: block.used,
        reserved: 0,
        uses: [...block.uses],
      };
      if (unlimited) usage.unlimited = true;
      merged.set(key, { usage, blocks: [block] });
      continue;
    }
    const { usage } = entry;
    usage.total = Math.min(usage.total + block.total, UNLIMITED_TOTAL);
    if (unlimited || usage.total === UNLIMITED_TOTAL) usage.unlimited = true;
    usage.used += block.used;
    usage.uses.push(...block.uses);
    entry.blocks.push(block);
  }
  return [...merged.values()].map(({ usage, blocks: parts }) => {
    for (const field of ["version", "vendor", "expires"] as const) {
      const values = new Set(parts.map((part) => part[field]));
      const [only] = values;
      if (values.size === 1 && only) usage[field] = only;
    }
    return usage;
  });
}

/** The first non-blank lines as `N: text`, for a ParseError about the whole output. */
function numbered(lines: readonly string[], limit = 20): string[] {
  return lines.flatMap((line, i) => (line.trim() ? [`${i + 1}: ${line}`] : [])).slice(0, limit);
}

export const lmxParser: Parser = {
  type: "lmx",
  command: (server, opts) => ({
    argv: [
      opts?.binary ?? "lmxendutil",
      "-licstat",
      "-host",
      server.host,
      "-port",
      String(server.port),
    ],
  }),
  parse: parseLmxendutil,
};
