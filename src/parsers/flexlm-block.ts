import { readFlexlmExpiryAt } from "./flexlm-expiry.js";
import { compareFlexlmVersionAt } from "./flexlm-versions.js";
import { hasAt, isWhitespaceCode, NextIndex, ShortStrings } from "./scan.js";
import type { LicenseUse } from "./types.js";

export type HeaderCounts =
  | { kind: "counted"; total: number; used: number }
  | { kind: "uncounted" }
  | { kind: "error"; reason: string }
  | { kind: "unknown" };

const UNKNOWN: HeaderCounts = { kind: "unknown" };

/**
 * The `Users of` block being read. One instance serves every block of a parse (`open` resets
 * it), its counted header is read into one reused object, and its checkouts gather in a
 * scratch list that `takeUses` copies out in one array of their exact number. A large output
 * then allocates little besides the report itself, which keeps its parse clear of
 * young-generation collections that would copy the report read so far.
 */
export class FeatureBlock {
  feature = "";
  lineNumber = 0;
  lineText = "";
  counts: HeaderCounts = UNKNOWN;
  /** what `counts` is for a counted header */
  readonly counted = { kind: "counted" as const, total: 0, used: 0 };
  vendor: string | undefined = undefined;
  version: string | undefined = undefined;
  expires: string | undefined = undefined;
  reserved = 0;
  queued = 0;
  useSum = 0;
  private readonly pending: LicenseUse[] = [];
  private pendingCount = 0;

  open(feature: string, lineNumber: number, lineText: string): void {
    this.feature = feature;
    this.lineNumber = lineNumber;
    this.lineText = lineText;
    this.counts = UNKNOWN;
    this.vendor = undefined;
    this.version = undefined;
    this.expires = undefined;
    this.reserved = 0;
    this.queued = 0;
    this.useSum = 0;
    this.pendingCount = 0;
  }

  addUse(use: LicenseUse): void {
    this.pending[this.pendingCount++] = use;
    this.useSum += use.count;
  }

  /** The block's checkouts, in order, as a new array. */
  takeUses(): LicenseUse[] {
    const uses = this.pending.slice(0, this.pendingCount);
    this.pendingCount = 0;
    return uses;
  }

  /** Lets go of the last block's checkouts and texts. */
  clear(): void {
    this.pending.length = 0;
    this.pendingCount = 0;
    this.lineText = "";
  }
}

/**
 * Forward searches over one output for the pool headers read in place, and its vendor names
 * and versions, which repeat from pool to pool (ShortStrings).
 */
export class PoolHeaderSearches {
  readonly quote: NextIndex;
  readonly comma: NextIndex;
  readonly expiry: NextIndex;
  readonly names: ShortStrings;

  constructor(text: string) {
    this.quote = new NextIndex(text, '"');
    this.comma = new NextIndex(text, ",");
    this.expiry = new NextIndex(text, ", expiry: ");
    this.names = new ShortStrings(text);
  }
}

/**
 * `"feature" vVER, vendor: V[, expiry: E][, …]` as `text[from, to)` (from its `"` to its last
 * non-white character): sets the block's vendor, highest version and earliest expiry; false
 * when the line is not that. Read in place, without slicing the line or its version: one runs
 * per pool, tens of thousands on a large server.
 */
export function readPoolHeaderAt(
  block: FeatureBlock,
  text: string,
  from: number,
  to: number,
  searches: PoolHeaderSearches,
): boolean {
  const close = searches.quote.at(from + 1);
  if (close + 3 > to || !hasAt(text, close + 1, " v")) return false;
  const versionStart = close + 3;
  // the first comma must open `, vendor: `: a later one would leave a comma in the version
  const versionEnd = searches.comma.at(versionStart);
  if (
    versionEnd >= to ||
    versionEnd === versionStart ||
    versionEnd + 10 > to ||
    !hasAt(text, versionEnd, ", vendor: ") ||
    hasSpaceOrComma(text, versionStart, versionEnd)
  ) {
    return false;
  }
  const vendorStart = versionEnd + 10;
  const vendorEnd = Math.min(searches.comma.at(vendorStart), to);
  if (vendorEnd === vendorStart || hasSpace(text, vendorStart, vendorEnd)) return false;
  block.vendor ??= searches.names.slice(vendorStart, vendorEnd);
  if (
    block.version === undefined ||
    compareFlexlmVersionAt(text, versionStart, versionEnd, block.version) > 0
  ) {
    block.version = searches.names.slice(versionStart, versionEnd);
  }
  const expiryAt = searches.expiry.at(vendorEnd);
  if (expiryAt + 10 <= to) {
    const expiryEnd = Math.min(searches.comma.at(expiryAt + 10), to);
    const expires = readFlexlmExpiryAt(text, expiryAt + 10, expiryEnd);
    if (expires === undefined) return false;
    block.expires = earlierExpiry(block.expires, expires);
  }
  return true;
}

/** The earlier of two normalised expiries; a finite date wins over `permanent`. */
export function earlierExpiry(a: string | undefined, b: string): string {
  if (a === undefined || a === "permanent") return b;
  if (b === "permanent") return a;
  return a < b ? a : b;
}

/** Whether `text[from, to)` holds a `\s` (what the regex calls white space) or a comma. */
function hasSpaceOrComma(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 44 || isWhitespaceCode(code)) return true;
  }
  return false;
}

function hasSpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isWhitespaceCode(text.charCodeAt(i))) return true;
  return false;
}
