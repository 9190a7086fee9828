import { ParseError, ServerError } from "./errors.js";
import { parseCount, splitLines } from "./text.js";
import {
  UNLIMITED_TOTAL,
  type FeatureUsage,
  type LicenseUse,
  type ParsedReport,
  type Parser,
} from "./types.js";

/**
 * Reads `rlmutil rlmstat -a -p` output (rlmutil v12 and v15 shapes).
 *
 * Only two kinds of block carry usage: `<isv> license pool status on …` (a product line
 * `name vVER[, pool: N]` followed by `count: …, # reservations: …, inuse: …, exp: …`) and
 * `<isv> license usage status on …` (one line per checkout). A product is summed across its
 * pools and across ISVs; every other block (server status, ISV table, statistics) is skipped.
 */

const SERVER_ERROR_PATTERNS: readonly RegExp[] = [
  /^Error connecting to\b/i,
  /can't connect to (the )?license server/i,
  /^Connection attempted to host\b/i,
  /\blicense server (is )?(down|not running)\b/i,
];

const POOL_HEADER = /^(\S+) license pool status on \S+/;
const USAGE_HEADER = /^(\S+) license usage status on \S+/;
/** Lines that show the output is rlmstat's, and end the current pool/usage block. */
const STATUS_HEADERS: readonly RegExp[] = [/^rlm status on \S+/, /^\S+ ISV server status on \S+/];
/** Other lines that start a block without usage data. */
const OTHER_HEADERS: readonly RegExp[] = [/^-+ ISV servers -+$/, /\bstatistics(\s*\(|:|$)/i];
/** Statistics counters can appear without a header of their own: never usage data. */
const STATISTICS_LINE = /^(Messages|Connections|Checkouts|Denials|Removals|Startup time):/;

const PRODUCT_LINE = /^(\S+) v(\S+?)(?:, pool: (\d+))?$/;
const USAGE_LINE = /^(\S+) v(\S+): (\S+)@(\S+) (\S+)\/(\S+) at (.*)$/;
const UNLIMITED_WORDS = new Set(["unlimited", "uncounted"]);

interface PendingPool {
  isv: string;
  product: string;
  version: string;
  lineNumber: number;
  lineText: string;
  counted: boolean;
}

interface FeatureAccumulator {
  feature: string;
  total: number;
  unlimited: boolean;
  used: number;
  reserved: number;
  uses: LicenseUse[];
  vendors: Set<string>;
  versions: Set<string>;
  expiries: Set<string>;
}

interface PendingUse {
  product: string;
  use: LicenseUse;
  lineNumber: number;
  lineText: string;
}

type Block = { kind: "none" } | { kind: "pool"; isv: string } | { kind: "usage"; isv: string };

export function parseRlmstat(output: string): ParsedReport {
  const lines = splitLines(output);
  if (lines.every((line) => line.trim() === "")) {
    throw new ParseError("rlmstat output is empty");
  }
  throwIfServerError(lines);

  const features = new Map<string, FeatureAccumulator>();
  const pendingUses: PendingUse[] = [];
  const warnings: string[] = [];
  let block: Block = { kind: "none" };
  let pool: PendingPool | undefined;
  let sawStatus = false;

  const closePool = (): void => {
    if (pool && !pool.counted) {
      throw new ParseError(
        `product "${pool.product}" has no count line`,
        pool.lineNumber,
        pool.lineText,
      );
    }
    pool = undefined;
  };

  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === "") return;

    const poolHeader = POOL_HEADER.exec(line);
    const usageHeader = USAGE_HEADER.exec(line);
    const statusHeader = STATUS_HEADERS.some((re) => re.test(line));
    if (poolHeader || usageHeader || statusHeader || OTHER_HEADERS.some((re) => re.test(line))) {
      closePool();
      sawStatus ||= Boolean(poolHeader || usageHeader || statusHeader);
      if (poolHeader) block = { kind: "pool", isv: poolHeader[1] ?? "" };
      else if (usageHeader) block = { kind: "usage", isv: usageHeader[1] ?? "" };
      else block = { kind: "none" };
      return;
    }
    if (block.kind === "none" || STATISTICS_LINE.test(line)) return;

    if (block.kind === "pool") {
      const product = PRODUCT_LINE.exec(line);
      if (product) {
        closePool();
        pool = {
          isv: block.isv,
          product: product[1] ?? "",
          version: product[2] ?? "",
          lineNumber,
          lineText: raw,
          counted: false,
        };
      } else if (!readPoolDetail(features, pool, line, lineNumber, raw)) {
        warnings.push(
          `line ${lineNumber}: not understood in ${block.isv} license pool status: ${raw}`,
        );
      }
      return;
    }
    const use = readUsageLine(line, lineNumber, raw);
    if (use) pendingUses.push(use);
    else
      warnings.push(
        `line ${lineNumber}: not understood in ${block.isv} license usage status: ${raw}`,
      );
  });
  closePool();

  if (!sawStatus) {
    throw new ParseError("no rlm status found in the output", 1, lines[0] ?? "", numbered(lines));
  }
  for (const pending of pendingUses) {
    const feature = features.get(pending.product.toLowerCase());
    if (!feature) {
      throw new ParseError(
        `usage of product "${pending.product}" that no license pool lists`,
        pending.lineNumber,
        pending.lineText,
      );
    }
    feature.uses.push(pending.use);
  }
  return { type: "rlm", features: [...features.values()].map(toFeatureUsage), warnings };
}

/** The first non-blank lines as `N: text`, for a ParseError about the whole output. */
function numbered(lines: readonly string[], limit = 20): string[] {
  return lines.flatMap((line, i) => (line.trim() ? [`${i + 1}: ${line}`] : [])).slice(0, limit);
}

function throwIfServerError(lines: readonly string[]): void {
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (SERVER_ERROR_PATTERNS.some((re) => re.test(line))) {
      throw new ServerError("rlm server is not reachable", index + 1, raw);
    }
  });
}

/** The `count:` and `obsolete:` lines under a product line; false when the line is neither. */
function readPoolDetail(
  features: Map<string, FeatureAccumulator>,
  pool: PendingPool | undefined,
  line: string,
  lineNumber: number,
  raw: string,
): boolean {
  if (!pool) return false;
  if (line.startsWith("count:") && !pool.counted) {
    addPoolCounts(features, pool, line, lineNumber, raw);
    pool.counted = true;
    return true;
  }
  return line.startsWith("obsolete:");
}

/** `product vVER: user@host N/M at MM/DD HH:MM  (handle: x)`: N is the tokens held. */
function readUsageLine(line: string, lineNumber: number, raw: string): PendingUse | undefined {
  const usage = USAGE_LINE.exec(line);
  if (!usage) return undefined;
  return {
    product: usage[1] ?? "",
    use: {
      username: usage[3] ?? "",
      host: usage[4] ?? "",
      count: parseCount(usage[5] ?? "", lineNumber, raw, "tokens held"),
    },
    lineNumber,
    lineText: raw,
  };
}

/** Reads `count: N|unlimited, # reservations: N, inuse: N, exp: DATE` into the product's sums. */
function addPoolCounts(
  features: Map<string, FeatureAccumulator>,
  pool: PendingPool,
  line: string,
  lineNumber: number,
  raw: string,
): void {
  const fields = new Map<string, string>();
  for (const part of line.split(/,\s*/)) {
    const colon = part.indexOf(":");
    if (colon > 0) fields.set(part.slice(0, colon).trim(), part.slice(colon + 1).trim());
  }
  const countText = fields.get("count");
  const inuseText = fields.get("inuse");
  if (countText === undefined || inuseText === undefined) {
    throw new ParseError(`product "${pool.product}" has no count or inuse`, lineNumber, raw);
  }
  const unlimited = UNLIMITED_WORDS.has(countText.toLowerCase());
  const count = unlimited ? 0 : parseCount(countText, lineNumber, raw, "count");
  const used = parseCount(inuseText, lineNumber, raw, "inuse");
  const reservationsText = fields.get("# reservations");
  const reserved =
    reservationsText === undefined
      ? 0
      : parseCount(reservationsText, lineNumber, raw, "reservations");

  const key = pool.product.toLowerCase();
  let feature = features.get(key);
  if (!feature) {
    feature = {
      feature: pool.product,
      total: 0,
      unlimited: false,
      used: 0,
      reserved: 0,
      uses: [],
      vendors: new Set(),
      versions: new Set(),
      expiries: new Set(),
    };
    features.set(key, feature);
  }
  feature.total += count;
  feature.unlimited ||= unlimited;
  feature.used += used;
  feature.reserved += reserved;
  feature.vendors.add(pool.isv);
  feature.versions.add(pool.version);
  const expires = fields.get("exp");
  if (expires) feature.expiries.add(expires);
}

/** Vendor, version and expiry are reported only when every pool of the product agrees. */
function toFeatureUsage(acc: FeatureAccumulator): FeatureUsage {
  const usage: FeatureUsage = {
    feature: acc.feature,
    total: acc.unlimited ? UNLIMITED_TOTAL : acc.total,
    used: acc.used,
    reserved: acc.reserved,
    uses: acc.uses,
  };
  if (acc.unlimited) usage.unlimited = true;
  const vendor = onlyValue(acc.vendors);
  if (vendor !== undefined) usage.vendor = vendor;
  const version = onlyValue(acc.versions);
  if (version !== undefined) usage.version = version;
  const expires = onlyValue(acc.expiries);
  if (expires !== undefined) usage.expires = expires;
  return usage;
}

function onlyValue(values: ReadonlySet<string>): string | undefined {
  return values.size === 1 ? [...values][0] : undefined;
}

export const rlmParser: Parser = {
  type: "rlm",
  command: (server, opts) => ({
    argv: [opts?.binary ?? "rlmutil", "rlmstat", "-c", `${server.port}@${server.host}`, "-a", "-p"],
  }),
  parse: parseRlmstat,
};
