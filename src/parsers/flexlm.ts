import { ParseError, ServerError } from "./errors.js";
import { readFlexlmExpiryAt } from "./flexlm-expiry.js";
import { FeatureIndex } from "./flexlm-feature-index.js";
import { hasAt, isWhitespaceCode } from "./scan.js";
import {
  CheckoutReader,
  QUEUED_ANCHOR,
  parseQueuedLine,
  parseReservationLine,
} from "./flexlm-lines.js";
import { readCount } from "./text.js";
import type {
  CommandOptions,
  FeatureUsage,
  LicenseUse,
  ParsedReport,
  Parser,
  ServerAddress,
  ToolCommand,
} from "./types.js";
import { UNLIMITED_TOTAL } from "./types.js";

export { parseLmstatExpiryTable, normaliseFlexlmExpiry } from "./flexlm-expiry.js";
export type { LicenseExpiry } from "./flexlm-expiry.js";

type HeaderCounts =
  | { kind: "counted"; total: number; used: number }
  | { kind: "uncounted" }
  | { kind: "error"; reason: string }
  | { kind: "unknown" };

/** One `Users of` block while it is being read. */
interface FeatureBlock {
  feature: string;
  lineNumber: number;
  lineText: string;
  counts: HeaderCounts;
  vendor?: string;
  version?: string;
  expires?: string;
  reserved: number;
  queued: number;
  useSum: number;
  uses: LicenseUse[];
}

const USERS_OF = "Users of ";
const COUNTED_HEADER =
  /^Total of (\d{1,10}) licenses? issued;\s+Total of (\d{1,10}) licenses? in use$/;
const ERROR_HEADER = /^Error: (.*)$/;
const VENDOR_UP = /^(\S+): UP\b/;
/** Whole-run errors, per-server and vendor-daemon errors (`(-15,570:111 …)`, `(-97,121)`). */
const DOWN_LINE =
  /\(-\d{1,4},\d+|^Error getting status|lmgrd is not running|Cannot connect to license server|Cannot read data from license server|vendor daemon is down/i;

const isBlank = (code: number): boolean => code === 32 || code === 9;

function describe(lineNumber: number, message: string, text: string): string {
  return `line ${lineNumber}: ${message}: ${JSON.stringify(text)}`;
}

function readHeaderCounts(inner: string): HeaderCounts {
  const counted = COUNTED_HEADER.exec(inner);
  if (counted) return { kind: "counted", total: Number(counted[1]), used: Number(counted[2]) };
  if (/^Uncounted, node-locked$/i.test(inner)) return { kind: "uncounted" };
  const error = ERROR_HEADER.exec(inner);
  if (error) return { kind: "error", reason: inner };
  return { kind: "unknown" };
}

/**
 * Compares dotted versions part by part: numerically where both parts are digits, else as
 * text; a missing part counts as 0. Allocation-free: it runs once per extra pool.
 */
export function compareFlexlmVersions(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let aEnd = a.indexOf(".", i);
    if (aEnd < 0) aEnd = a.length;
    let bEnd = b.indexOf(".", j);
    if (bEnd < 0) bEnd = b.length;
    const diff = comparePart(a, i, aEnd, b, j, bEnd);
    if (diff !== 0) return diff;
    i = aEnd + 1;
    j = bEnd + 1;
  }
  return 0;
}

function isDigits(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function comparePart(
  a: string,
  aFrom: number,
  aTo: number,
  b: string,
  bFrom: number,
  bTo: number,
): number {
  const aEmpty = aFrom >= aTo;
  const bEmpty = bFrom >= bTo;
  if ((aEmpty || isDigits(a, aFrom, aTo)) && (bEmpty || isDigits(b, bFrom, bTo))) {
    // skip leading zeros, then the longer number is larger, else compare digit by digit
    while (aFrom < aTo - 1 && a.charCodeAt(aFrom) === 48) aFrom++;
    while (bFrom < bTo - 1 && b.charCodeAt(bFrom) === 48) bFrom++;
    const aLength = aEmpty ? 0 : aTo - aFrom;
    const bLength = bEmpty ? 0 : bTo - bFrom;
    const aZero = aEmpty || (aLength === 1 && a.charCodeAt(aFrom) === 48);
    const bZero = bEmpty || (bLength === 1 && b.charCodeAt(bFrom) === 48);
    if (aZero || bZero) return aZero && bZero ? 0 : aZero ? -1 : 1;
    if (aLength !== bLength) return aLength - bLength;
    for (let k = 0; k < aLength; k++) {
      const diff = a.charCodeAt(aFrom + k) - b.charCodeAt(bFrom + k);
      if (diff !== 0) return diff;
    }
    return 0;
  }
  return a.slice(aFrom, aTo).localeCompare(b.slice(bFrom, bTo));
}

/** Accumulates the report: one FeatureUsage per feature name and vendor. */
class ReportBuilder {
  warnings: string[] = [];
  /** by feature name as printed (one tool run prints a name one way) and vendor */
  private readonly index = new FeatureIndex();
  private ordered: FeatureUsage[] = [];

  /** Starts an empty report; `finish` hands it over. */
  start(): void {
    this.warnings = [];
    this.index.clear();
    this.ordered = [];
  }

  /** The report's features and warnings, which the builder then lets go of. */
  finish(): { features: FeatureUsage[]; warnings: string[] } {
    const report = { features: this.ordered, warnings: this.warnings };
    this.start();
    return report;
  }

  add(block: FeatureBlock, inferredVendor: string | undefined): void {
    const counts = block.counts;
    if (counts.kind === "error") {
      this.warnings.push(
        describe(
          block.lineNumber,
          `feature "${block.feature}" left out, the server says (${counts.reason})`,
          block.lineText,
        ),
      );
      return;
    }
    if (counts.kind === "unknown") {
      this.warnings.push(
        describe(
          block.lineNumber,
          `feature "${block.feature}" left out, its counts are not understood`,
          block.lineText,
        ),
      );
      return;
    }
    const usage = usageOf(block, counts, block.vendor ?? inferredVendor);
    if (counts.kind === "counted" && block.useSum + block.reserved > counts.used) {
      this.warnings.push(
        describe(
          block.lineNumber,
          `feature "${block.feature}": checkouts (${block.useSum}) plus reservations (${block.reserved}) exceed the ${counts.used} in use the header reports`,
          block.lineText,
        ),
      );
    }
    this.merge(usage);
  }

  /** Same feature and vendor twice (several servers in a license path): sum, keep every use. */
  private merge(usage: FeatureUsage): void {
    const known = this.index.findOrAdd(usage, this.ordered);
    if (!known) {
      this.ordered.push(usage);
      return;
    }
    known.unlimited = known.unlimited || usage.unlimited ? true : undefined;
    if (known.unlimited === undefined) delete known.unlimited;
    known.total = known.unlimited ? UNLIMITED_TOTAL : known.total + usage.total;
    known.used += usage.used;
    known.reserved += usage.reserved;
    known.queued = (known.queued ?? 0) + (usage.queued ?? 0);
    for (const use of usage.uses) known.uses.push(use);
    if (
      usage.version !== undefined &&
      (known.version === undefined || compareFlexlmVersions(usage.version, known.version) > 0)
    ) {
      known.version = usage.version;
    }
    if (usage.expires !== undefined) known.expires = earlierExpiry(known.expires, usage.expires);
  }
}

/**
 * The block as a FeatureUsage, its fields in the report's order. The usual block (vendor,
 * version and expiry known) is one object literal: its shape outlives each report, so the
 * code that builds it stays optimised from one run to the next.
 */
function usageOf(
  block: FeatureBlock,
  counts: Extract<HeaderCounts, { kind: "counted" | "uncounted" }>,
  vendor: string | undefined,
): FeatureUsage {
  const { feature, reserved, uses, queued, version, expires } = block;
  if (vendor !== undefined && version !== undefined && expires !== undefined) {
    return counts.kind === "counted"
      ? {
          feature,
          total: counts.total,
          used: counts.used,
          reserved,
          uses,
          queued,
          vendor,
          version,
          expires,
        }
      : {
          feature,
          total: UNLIMITED_TOTAL,
          used: block.useSum,
          reserved,
          uses,
          unlimited: true,
          queued,
          vendor,
          version,
          expires,
        };
  }
  const usage: FeatureUsage =
    counts.kind === "counted"
      ? { feature, total: counts.total, used: counts.used, reserved, uses }
      : { feature, total: UNLIMITED_TOTAL, used: block.useSum, reserved, uses, unlimited: true };
  usage.queued = queued;
  if (vendor !== undefined) usage.vendor = vendor;
  if (version !== undefined) usage.version = version;
  if (expires !== undefined) usage.expires = expires;
  return usage;
}

/** The earlier of two normalised expiries; a finite date wins over `permanent`. */
function earlierExpiry(a: string | undefined, b: string): string {
  if (a === undefined || a === "permanent") return b;
  if (b === "permanent") return a;
  return a < b ? a : b;
}

/**
 * The reader and the report builder of every parse, started on each output and emptied
 * after it (parses are synchronous, so they never overlap). Not fresh ones per parse: the
 * fields of a class instance make a shape that lives only while some instance does, and
 * the optimised code of the class's methods is thrown away whenever a full garbage
 * collection finds none left, which between two large parses it always does; each parse
 * would then run slower code until that code is compiled again.
 */
const sharedReader = new CheckoutReader();
const sharedBuilder = new ReportBuilder();

/** Reads `lmutil lmstat -a` / `-f FEATURE` output. */
export function parseLmstat(output: string): ParsedReport {
  sharedReader.start(output);
  sharedBuilder.start();
  try {
    return readLmstat(output, sharedReader, sharedBuilder);
  } finally {
    sharedReader.finish();
    sharedBuilder.finish();
  }
}

/** parseLmstat with the reader and builder started on `output`. */
function readLmstat(
  output: string,
  checkouts: CheckoutReader,
  report: ReportBuilder,
): ParsedReport {
  const downLines: { lineNumber: number; text: string }[] = [];
  let serverLines = 0;
  let blocksSeen = 0;
  let firstText: { lineNumber: number; text: string } | undefined;
  let vendors: string[] = [];
  let inVendorSection = false;
  let block: FeatureBlock | undefined;

  // Lines are cut here rather than with splitLines, and checkout lines are read in place:
  // one pass, no array of every line.
  let position = 0;
  let lineNumber = 0;
  while (position < output.length) {
    let newline = output.indexOf("\n", position);
    if (newline < 0) newline = output.length;
    const end = newline > position && output.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
    const lineStart = position;
    position = newline + 1;
    lineNumber++;
    if (end === lineStart) continue;

    if (block) {
      const anchor = checkouts.anchorIn(lineStart, end);
      if (anchor >= 0) {
        const use = checkouts.read(lineStart, end, anchor);
        if (use) {
          block.uses.push(use);
          block.useSum += use.count;
        } else {
          report.warnings.push(
            describe(
              lineNumber,
              `checkout line in "${block.feature}" not understood`,
              output.slice(lineStart, end),
            ),
          );
        }
        continue;
      }
    }
    let first = lineStart;
    while (first < end && isBlank(output.charCodeAt(first))) first++;
    if (first === end) continue;
    if (block) {
      // the block's frequent lines, classified by their first non-blank character in place
      // pool details (`floating license`, `vendor_string: …`) carry nothing we count
      if (isPoolDetailAt(output, first)) continue;
      if (output.charCodeAt(first) === 34 /* " */) {
        // the indent is blanks and `"` is not one: the trimmed line starts at `first`
        if (!readPoolHeader(block, output.slice(first, end).trim())) {
          report.warnings.push(
            describe(
              lineNumber,
              `pool header in "${block.feature}" not understood`,
              output.slice(lineStart, end),
            ),
          );
        }
        continue;
      }
    }
    const line = output.slice(lineStart, end);
    const trimmed = line.trim();
    if (trimmed === "") continue;
    firstText ??= { lineNumber, text: line };

    if (block) {
      const first = trimmed.charCodeAt(0);
      if (first >= 48 && first <= 57 && trimmed.includes(" RESERVATION")) {
        const reservation = parseReservationLine(trimmed);
        if (reservation) block.reserved += reservation.count;
        else
          report.warnings.push(
            describe(lineNumber, `reservation line in "${block.feature}" not understood`, line),
          );
        continue;
      }
      if (first === 34 /* " */) {
        if (!readPoolHeader(block, trimmed)) {
          report.warnings.push(
            describe(lineNumber, `pool header in "${block.feature}" not understood`, line),
          );
        }
        continue;
      }
      if (trimmed.includes(QUEUED_ANCHOR)) {
        const queued = parseQueuedLine(trimmed);
        if (queued !== undefined) block.queued += queued;
        else
          report.warnings.push(
            describe(lineNumber, `queued line in "${block.feature}" not understood`, line),
          );
        continue;
      }
      if (!hasAt(trimmed, 0, USERS_OF) && !hasAt(trimmed, 0, "License server status:")) {
        if (DOWN_LINE.test(trimmed)) {
          downLines.push({ lineNumber, text: line });
        } else if (block.counts.kind !== "error") {
          report.warnings.push(
            describe(lineNumber, `line in "${block.feature}" not understood`, line),
          );
        }
        continue;
      }
    }

    if (hasAt(trimmed, 0, USERS_OF)) {
      if (block) report.add(block, soleVendor(vendors));
      blocksSeen++;
      inVendorSection = false;
      block = openBlock(trimmed, lineNumber, line);
      if (!block) {
        report.warnings.push(describe(lineNumber, "feature header not understood", line));
      }
      continue;
    }
    if (hasAt(trimmed, 0, "License server status:")) {
      if (block) report.add(block, soleVendor(vendors));
      block = undefined;
      serverLines++;
      vendors = [];
      inVendorSection = false;
      continue;
    }
    if (hasAt(trimmed, 0, "Vendor daemon status")) {
      serverLines++;
      inVendorSection = true;
      continue;
    }
    if (DOWN_LINE.test(trimmed)) {
      downLines.push({ lineNumber, text: line });
      continue;
    }
    if (inVendorSection) {
      const vendor = VENDOR_UP.exec(trimmed);
      if (vendor) {
        serverLines++;
        vendors.push(vendor[1] ?? "");
        continue;
      }
    }
    if (trimmed.includes(": license server UP") || hasAt(trimmed, 0, "License file(s) on ")) {
      serverLines++;
      continue;
    }
    if (isPreamble(trimmed)) continue;
    report.warnings.push(describe(lineNumber, "line not understood", line));
  }
  if (block) report.add(block, soleVendor(vendors));
  return finishReport(report, firstText, blocksSeen > 0, serverLines > 0, downLines);
}

/**
 * The report, or the error an output without feature usage amounts to. Kept out of
 * parseLmstat: code that runs once, after its loop, would otherwise throw away that loop's
 * optimised code on every run (its type feedback is gone after each full garbage collection).
 */
function finishReport(
  report: ReportBuilder,
  firstText: { lineNumber: number; text: string } | undefined,
  anyBlock: boolean,
  anyServerLine: boolean,
  downLines: { lineNumber: number; text: string }[],
): ParsedReport {
  if (!firstText) throw new ParseError("empty lmstat output");
  if (!anyBlock) {
    const down = downLines[0];
    if (down)
      throw new ServerError("the license server is not available", down.lineNumber, down.text);
    if (!anyServerLine) {
      throw new ParseError("no FlexLM status in the output", firstText.lineNumber, firstText.text);
    }
    report.warnings.push("the server reports no feature usage");
  }
  for (const down of downLines) {
    report.warnings.push(describe(down.lineNumber, "part of the license path is down", down.text));
  }
  return { type: "flexlm", ...report.finish() };
}

/** A feature block without a pool header belongs to the server's only vendor daemon, if so. */
function soleVendor(vendors: string[]): string | undefined {
  return vendors.length === 1 ? vendors[0] : undefined;
}

function openBlock(trimmed: string, lineNumber: number, line: string): FeatureBlock | undefined {
  // `Users of NAME:  (…)`; the name itself may hold a colon
  let colon = trimmed.indexOf(":  (", USERS_OF.length);
  if (colon < 0) colon = trimmed.indexOf(": (", USERS_OF.length);
  if (colon <= USERS_OF.length) return undefined;
  // the counts group opens after the one or two spaces matched above and must close the line
  const open = trimmed.charCodeAt(colon + 2) === 40 /* ( */ ? colon + 2 : colon + 3;
  if (trimmed.charCodeAt(trimmed.length - 1) !== 41 /* ) */ || open === trimmed.length - 1) {
    return undefined;
  }
  return {
    feature: trimmed.slice(USERS_OF.length, colon),
    lineNumber,
    lineText: line,
    counts:
      readCountedAt(trimmed, open + 1, trimmed.length - 1) ??
      readHeaderCounts(trimmed.slice(open + 1, -1)),
    // every field set up front, so all blocks share one shape
    vendor: undefined,
    version: undefined,
    expires: undefined,
    reserved: 0,
    queued: 0,
    useSum: 0,
    uses: [],
  };
}

/**
 * COUNTED_HEADER read in place, as it matches `text[from, to)`; undefined when it does not
 * (the caller then asks readHeaderCounts). One runs per feature block.
 */
function readCountedAt(text: string, from: number, to: number): HeaderCounts | undefined {
  if (!hasAt(text, from, "Total of ")) return undefined;
  const totalEnd = digitRunEnd(text, from + 9, to, 10);
  const issuedAt = licensesEnd(text, from + 9, totalEnd);
  if (issuedAt < 0 || !hasAt(text, issuedAt, " issued;")) return undefined;
  let next = issuedAt + 8;
  while (next < to && isWhitespaceCode(text.charCodeAt(next))) next++;
  if (next === issuedAt + 8 || !hasAt(text, next, "Total of ")) return undefined;
  const usedEnd = digitRunEnd(text, next + 9, to, 10);
  const inUseAt = licensesEnd(text, next + 9, usedEnd);
  if (inUseAt < 0 || inUseAt + 7 !== to || !hasAt(text, inUseAt, " in use")) return undefined;
  return {
    kind: "counted",
    total: readCount(text, from + 9, totalEnd),
    used: readCount(text, next + 9, usedEnd),
  };
}

/** The end of the digits at `from` (at most `maxDigits`, before `to`). */
function digitRunEnd(text: string, from: number, to: number, maxDigits: number): number {
  const limit = Math.min(to, from + maxDigits);
  let i = from;
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) break;
    i++;
  }
  return i;
}

/** After digits `[digitsFrom, digitsEnd)`: the index after ` license` or ` licenses`, or -1. */
function licensesEnd(text: string, digitsFrom: number, digitsEnd: number): number {
  if (digitsEnd === digitsFrom || !hasAt(text, digitsEnd, " license")) return -1;
  return text.charCodeAt(digitsEnd + 8) === 115 /* s */ ? digitsEnd + 9 : digitsEnd + 8;
}

/**
 * `"feature" vVER, vendor: V[, expiry: E][, …]`: sets vendor, highest version, earliest
 * expiry. Read by hand: one runs per pool, tens of thousands on a large server.
 */
function readPoolHeader(block: FeatureBlock, trimmed: string): boolean {
  const close = trimmed.indexOf('"', 1);
  if (close < 0 || !hasAt(trimmed, close + 1, " v")) return false;
  const versionStart = close + 3;
  // the first comma must open `, vendor: `: a later one would leave a comma in the version
  const versionEnd = trimmed.indexOf(",", versionStart);
  if (
    versionEnd <= versionStart ||
    !hasAt(trimmed, versionEnd, ", vendor: ") ||
    hasSpaceOrComma(trimmed, versionStart, versionEnd)
  ) {
    return false;
  }
  const vendorStart = versionEnd + 10;
  let vendorEnd = trimmed.indexOf(",", vendorStart);
  if (vendorEnd < 0) vendorEnd = trimmed.length;
  if (vendorEnd === vendorStart || hasSpace(trimmed, vendorStart, vendorEnd)) return false;
  block.vendor ??= trimmed.slice(vendorStart, vendorEnd);
  const version = trimmed.slice(versionStart, versionEnd);
  if (block.version === undefined || compareFlexlmVersions(version, block.version) > 0) {
    block.version = version;
  }
  const expiryAt = hasAt(trimmed, vendorEnd, ", expiry: ")
    ? vendorEnd
    : trimmed.indexOf(", expiry: ", vendorEnd);
  if (expiryAt >= 0) {
    let expiryEnd = trimmed.indexOf(",", expiryAt + 10);
    if (expiryEnd < 0) expiryEnd = trimmed.length;
    const expires = readFlexlmExpiryAt(trimmed, expiryAt + 10, expiryEnd);
    if (expires === undefined) return false;
    block.expires = earlierExpiry(block.expires, expires);
  }
  return true;
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

/** Pool details (`floating license`, `vendor_string: …`): told apart by their first letter. */
function isPoolDetailAt(text: string, at: number): boolean {
  switch (text.charCodeAt(at)) {
    case 102 /* f */:
      return hasAt(text, at, "floating license");
    case 118 /* v */:
      return hasAt(text, at, "vendor_string:");
    case 110 /* n */:
      return hasAt(text, at, "nodelocked license");
    case 117 /* u */:
      return hasAt(text, at, "uncounted nodelocked license");
    default:
      return false;
  }
}

function isPreamble(trimmed: string): boolean {
  return (
    /^(lmutil|lmstat) - Copyright/.test(trimmed) ||
    hasAt(trimmed, 0, "Flexible License Manager status on") ||
    trimmed === "[Detecting lmgrd processes...]" ||
    trimmed === "Feature usage info:"
  );
}

function lmstatCommand(server: ServerAddress, opts: CommandOptions = {}): ToolCommand {
  const argv = [opts.binary ?? "lmutil", "lmstat", "-c", `${server.port}@${server.host}`];
  const features = opts.features ?? [];
  if (features.length === 1) argv.push("-f", features[0] as string);
  else argv.push("-a");
  return { argv };
}

export const flexlmParser: Parser = {
  type: "flexlm",
  command: lmstatCommand,
  parse: parseLmstat,
};
