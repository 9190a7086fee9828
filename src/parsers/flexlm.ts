import { ParseError, ServerError } from "./errors.js";
import {
  earlierExpiry,
  FeatureBlock,
  PoolHeaderSearches,
  readPoolHeaderAt,
  type HeaderCounts,
} from "./flexlm-block.js";
import { FeatureIndex } from "./flexlm-feature-index.js";
import {
  hasAt,
  isSpaceOrTab,
  isWhitespaceCode,
  keepClassesWarm,
  skipWhitespace,
  trimmedEnd,
} from "./scan.js";
import {
  CheckoutReader,
  digitRunEnd,
  QUEUED_ANCHOR,
  parseQueuedLine,
  reservationCount,
} from "./flexlm-lines.js";
import { compareFlexlmVersions } from "./flexlm-versions.js";
import { readCount } from "./text.js";
import type {
  CommandOptions,
  FeatureUsage,
  ParsedReport,
  Parser,
  ServerAddress,
  ToolCommand,
} from "./types.js";
import { UNLIMITED_TOTAL } from "./types.js";

export { parseLmstatExpiryTable, normaliseFlexlmExpiry } from "./flexlm-expiry.js";
export { compareFlexlmVersions };
export type { LicenseExpiry } from "./flexlm-expiry.js";

const USERS_OF = "Users of ";
const COUNTED_HEADER =
  /^Total of (\d{1,10}) licenses? issued;\s+Total of (\d{1,10}) licenses? in use$/;
const ERROR_HEADER = /^Error: (.*)$/;
const VENDOR_UP = /^(\S+): UP\b/;
/** Whole-run errors, per-server and vendor-daemon errors (`(-15,570:111 …)`, `(-97,121)`). */
const DOWN_LINE =
  /\(-\d{1,4},\d+|^Error getting status|lmgrd is not running|Cannot connect to license server|Cannot read data from license server|vendor daemon is down/i;

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
  const { feature, reserved, queued, version, expires } = block;
  const uses = block.takeUses();
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
const sharedBlock = new FeatureBlock();
// a parse makes its own searches (they are bound to its output): keep their classes' code warm
keepClassesWarm(new PoolHeaderSearches(""));

/** Reads `lmutil lmstat -a` / `-f FEATURE` output. */
export function parseLmstat(output: string): ParsedReport {
  sharedReader.start(output);
  sharedBuilder.start();
  try {
    return readLmstat(output, sharedReader, sharedBuilder, new PoolHeaderSearches(output));
  } finally {
    sharedReader.finish();
    sharedBuilder.finish();
    sharedBlock.clear();
  }
}

/** parseLmstat with the reader and builder started on `output`. */
function readLmstat(
  output: string,
  checkouts: CheckoutReader,
  report: ReportBuilder,
  poolSearches: PoolHeaderSearches,
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
          block.addUse(use);
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
    while (first < end && isSpaceOrTab(output.charCodeAt(first))) first++;
    if (first === end) continue;
    if (block) {
      // the block's frequent lines, classified by their first non-blank character in place
      // pool details (`floating license`, `vendor_string: …`) carry nothing we count
      if (isPoolDetailAt(output, first)) continue;
      if (output.charCodeAt(first) === 34 /* " */) {
        // the indent is blanks and `"` is not one: the trimmed line starts at `first`
        if (!readPoolHeaderAt(block, output, first, trimmedEnd(output, first, end), poolSearches)) {
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
        const reservation = reservationCount(trimmed);
        if (reservation !== undefined) block.reserved += reservation;
        else
          report.warnings.push(
            describe(lineNumber, `reservation line in "${block.feature}" not understood`, line),
          );
        continue;
      }
      if (first === 34 /* " */) {
        const from = skipWhitespace(output, lineStart, end);
        if (!readPoolHeaderAt(block, output, from, trimmedEnd(output, from, end), poolSearches)) {
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
      block = openBlock(sharedBlock, trimmed, lineNumber, line) ? sharedBlock : undefined;
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

/** Opens `block` on a `Users of` line; false when the line does not have that shape. */
function openBlock(
  block: FeatureBlock,
  trimmed: string,
  lineNumber: number,
  line: string,
): boolean {
  // `Users of NAME:  (…)`; the name itself may hold a colon
  let colon = trimmed.indexOf(":  (", USERS_OF.length);
  if (colon < 0) colon = trimmed.indexOf(": (", USERS_OF.length);
  if (colon <= USERS_OF.length) return false;
  // the counts group opens after the one or two spaces matched above and must close the line
  const open = trimmed.charCodeAt(colon + 2) === 40 /* ( */ ? colon + 2 : colon + 3;
  if (trimmed.charCodeAt(trimmed.length - 1) !== 41 /* ) */ || open === trimmed.length - 1) {
    return false;
  }
  block.open(trimmed.slice(USERS_OF.length, colon), lineNumber, line);
  block.counts = readCountedInto(block.counted, trimmed, open + 1, trimmed.length - 1)
    ? block.counted
    : readHeaderCounts(trimmed.slice(open + 1, -1));
  return true;
}

/**
 * COUNTED_HEADER read in place into `counted`, when it matches `text[from, to)`; false when it
 * does not (the caller then asks readHeaderCounts). One runs per feature block.
 */
function readCountedInto(
  counted: { total: number; used: number },
  text: string,
  from: number,
  to: number,
): boolean {
  if (!hasAt(text, from, "Total of ")) return false;
  const totalEnd = digitRunEnd(text, from + 9, Math.min(10, to - from - 9));
  const issuedAt = licensesEnd(text, from + 9, totalEnd);
  if (issuedAt < 0 || !hasAt(text, issuedAt, " issued;")) return false;
  let next = issuedAt + 8;
  while (next < to && isWhitespaceCode(text.charCodeAt(next))) next++;
  if (next === issuedAt + 8 || !hasAt(text, next, "Total of ")) return false;
  const usedEnd = digitRunEnd(text, next + 9, Math.min(10, to - next - 9));
  const inUseAt = licensesEnd(text, next + 9, usedEnd);
  if (inUseAt < 0 || inUseAt + 7 !== to || !hasAt(text, inUseAt, " in use")) return false;
  counted.total = readCount(text, from + 9, totalEnd);
  counted.used = readCount(text, next + 9, usedEnd);
  return true;
}

/** After digits `[digitsFrom, digitsEnd)`: the index after ` license` or ` licenses`, or -1. */
function licensesEnd(text: string, digitsFrom: number, digitsEnd: number): number {
  if (digitsEnd === digitsFrom || !hasAt(text, digitsEnd, " license")) return -1;
  return text.charCodeAt(digitsEnd + 8) === 115 /* s */ ? digitsEnd + 9 : digitsEnd + 8;
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
