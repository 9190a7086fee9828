import { ParseError } from "./errors.js";
import { LmxFeatureMerger, type LmxBlockEnd } from "./lmx-merge.js";
import { NextIndex, UnusualWhitespace, isDigitCode, isWhitespaceCode } from "./scan.js";
import { LineCursor, parseCount, readCount, splitLines } from "./text.js";
import type { LicenseUse, ParsedReport } from "./types.js";

/**
 * Reads `lmxendutil -licstat` text output. The regexes below define the format; lines of the
 * shapes the tool prints (checkouts, counts, dates, the lines it ignores) are recognised by
 * hand-written scans that accept exactly what the regexes accept, because a regex per line
 * costs several times the line walk on outputs with 200k checkouts. Any other line goes
 * through the regexes, in their order.
 */

const SERVER_HEADER = /^LM-X License Server on \S+/i;
const FEATURE_HEADER =
  /^Feature:\s*(\S+)(?:\s+Version:(?:[ \t]+(?!Vendor:)(\S+))?)?(?:\s+Vendor:(?:[ \t]+(\S+))?)?/;
const DATES = /^Start date:\s*\S+\s+Expire date:\s*(\S+)/;
const COUNTS = /^(\S+) of (\S+) license\(s\) used:?$/;
/**
 * The holder splits at its last `@` that leaves a host, as `(\S+)@(\S+)` would split it; written
 * so that a holder of thousands of `@` is read in linear time, not quadratic.
 */
const USER = /^(\S+) license\(s\) used by (\S+)@([^\s@]+|[^\s@]*@)(?:\s+\[[^\]]*\])?$/;
const IGNORED_FEATURE_LINES: readonly RegExp[] = [
  /^Key type:/,
  /^Login time:/,
  /^Checkout time:/,
  /^Shared on\b/,
  /^[-+=]{5,}$/,
];

const USED_BY = codesOf(" license(s) used by ");
const OF = codesOf(" of ");
const LICENSES_USED = codesOf(" license(s) used");
const START_DATE = codesOf("Start date:");
const EXPIRE_DATE = codesOf("Expire date:");
const SHARED_ON = codesOf("Shared on");
const FEATURE = codesOf("Feature:");
const VERSION = codesOf("Version:");
const VENDOR = codesOf("Vendor:");
const LOGIN_TIME = codesOf("Login time:");
const CHECKOUT_TIME = codesOf("Checkout time:");
const KEY_TYPE = codesOf("Key type:");
/** the rule lmxendutil prints before each feature block */
const RULE = codesOf("-".repeat(40));

// character codes the scans compare against
const SPACE = 32;
const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const EQUALS = 61;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const UPPER_C = 67;
const UPPER_F = 70;
const UPPER_K = 75;
const UPPER_L = 76;
const UPPER_S = 83;

export function parseLmxText(output: string): ParsedReport {
  return new LmxTextReader(output).read();
}

class LmxTextReader {
  private readonly cursor: LineCursor;
  private readonly blanks: UnusualWhitespace;
  private readonly ats: NextIndex;
  private readonly spaces: NextIndex;
  private readonly merger = new LmxFeatureMerger();
  private readonly warnings: string[] = [];
  private sawServer = false;
  /** false before the first feature header and after a server header */
  private inBlock = false;
  private feature = "";
  private uses: LicenseUse[] = [];
  /** the open block's counts (-1 until its count line) and details */
  private readonly block: LmxBlockEnd = {
    total: -1,
    used: -1,
    version: undefined,
    vendor: undefined,
    expires: undefined,
  };
  private headerNumber = 0;
  private headerStart = 0;
  private headerEnd = 0;

  constructor(private readonly text: string) {
    this.cursor = new LineCursor(text);
    this.blanks = new UnusualWhitespace(text);
    this.ats = new NextIndex(text, "@");
    this.spaces = new NextIndex(text, " ");
  }

  read(): ParsedReport {
    const cursor = this.cursor;
    while (cursor.advance()) this.readLine(cursor.start, cursor.end);
    this.endBlock();
    if (!this.sawServer && this.merger.blockCount === 0) {
      const lines = splitLines(this.text);
      throw new ParseError(
        "no LM-X license server found in the output",
        1,
        lines[0] ?? "",
        numbered(lines),
      );
    }
    return { type: "lmx", features: this.merger.finish(), warnings: this.warnings };
  }

  /** Reads the line `text[start, end)`, trimmed as `String.prototype.trim` would. */
  private readLine(start: number, end: number): void {
    const text = this.text;
    while (start < end && isWhitespaceCode(text.charCodeAt(start))) start++;
    while (end > start && isWhitespaceCode(text.charCodeAt(end - 1))) end--;
    if (start === end) return;
    if (this.inBlock && this.blanks.at(start) >= end && this.readPlainBlockLine(start, end)) {
      return;
    }
    this.readLineByRegex(text.slice(start, end));
  }

  /**
   * Lines of the shapes lmxendutil prints inside a feature block, when their only blank is the
   * space (what the regexes call `\s` is then just " "); false for any other line.
   */
  private readPlainBlockLine(start: number, end: number): boolean {
    const text = this.text;
    const first = text.charCodeAt(start);
    if (isDigitCode(first)) return this.readUse(start, end) || this.readCounts(start, end);
    switch (first) {
      case UPPER_L:
        return hasAt(text, start, LOGIN_TIME);
      case UPPER_C:
        return hasAt(text, start, CHECKOUT_TIME);
      case UPPER_K:
        return hasAt(text, start, KEY_TYPE);
      case UPPER_S:
        return this.readDates(start, end) || this.isSharedOn(start);
      case UPPER_F:
        return this.readPlainHeader(start, end);
      case MINUS:
      case PLUS:
      case EQUALS:
        return isRule(text, start, end);
      default:
        return false;
    }
  }

  /**
   * `N license(s) used by user@host [ip]`, read as USER reads it. USER splits the holder (one run
   * of non-blanks) at its last "@" leaving both sides non-empty; this takes holders with one "@".
   */
  private readUse(start: number, end: number): boolean {
    const text = this.text;
    const digitsEnd = skipDigits(text, start, end);
    if (!hasAt(text, digitsEnd, USED_BY)) return false;
    const count = readCount(text, start, digitsEnd);
    if (count < 0) return false;
    const holderStart = digitsEnd + USED_BY.length;
    const holderEnd = this.wordEnd(holderStart, end);
    const at = this.ats.at(holderStart);
    if (at <= holderStart || at >= holderEnd - 1 || this.ats.at(at + 1) < holderEnd) return false;
    if (holderEnd < end && !isAddressTail(text, holderEnd, end)) return false;
    this.uses.push({
      username: text.slice(holderStart, at),
      host: text.slice(at + 1, holderEnd),
      count,
    });
    return true;
  }

  /** `N of M license(s) used`, with a colon when users follow (COUNTS). */
  private readCounts(start: number, end: number): boolean {
    const text = this.text;
    const usedEnd = skipDigits(text, start, end);
    if (!hasAt(text, usedEnd, OF)) return false;
    const totalStart = usedEnd + OF.length;
    const totalEnd = skipDigits(text, totalStart, end);
    if (totalEnd === totalStart || !hasAt(text, totalEnd, LICENSES_USED)) return false;
    const tail = totalEnd + LICENSES_USED.length;
    if (tail !== end && !(tail === end - 1 && text.charCodeAt(tail) === COLON)) return false;
    const used = readCount(text, start, usedEnd);
    const total = readCount(text, totalStart, totalEnd);
    if (used < 0 || total < 0) return false;
    this.block.used = used;
    this.block.total = total;
    return true;
  }

  /** DATES: `Start date:`, spaces, a word, spaces, `Expire date:`, spaces, the expiry. */
  private readDates(start: number, end: number): boolean {
    const text = this.text;
    if (!hasAt(text, start, START_DATE)) return false;
    const from = skipSpaces(text, start + START_DATE.length, end);
    const fromEnd = this.wordEnd(from, end);
    const expire = skipSpaces(text, fromEnd, end);
    if (fromEnd === from || expire === fromEnd || !hasAt(text, expire, EXPIRE_DATE)) {
      return false;
    }
    const date = skipSpaces(text, expire + EXPIRE_DATE.length, end);
    const dateEnd = this.wordEnd(date, end);
    if (dateEnd === date) return false;
    this.block.expires = text.slice(date, dateEnd);
    return true;
  }

  /**
   * End of the run of non-blanks at `from`, on a line whose only blank is the space. The search
   * for the next space is shared by all lines, so lines without one do not each search onwards.
   */
  private wordEnd(from: number, end: number): number {
    const space = this.spaces.at(from);
    return space > end ? end : space;
  }

  private isSharedOn(start: number): boolean {
    const text = this.text;
    return hasAt(text, start, SHARED_ON) && !isWordCode(text.charCodeAt(start + SHARED_ON.length));
  }

  /**
   * FEATURE_HEADER on its usual shape, `Feature: name Version: v Vendor: w`, where every greedy
   * part of the regex matches at its first try, so it captures what the regex would. Any other
   * shape goes to the regex.
   */
  private readPlainHeader(start: number, end: number): boolean {
    const text = this.text;
    if (!hasAt(text, start, FEATURE)) return false;
    const name = skipSpaces(text, start + FEATURE.length, end);
    const nameEnd = this.wordEnd(name, end);
    const versionKey = skipSpaces(text, nameEnd, end);
    if (nameEnd === name || versionKey === nameEnd || !hasAt(text, versionKey, VERSION)) {
      return this.readHeader(text.slice(start, end));
    }
    const version = skipSpaces(text, versionKey + VERSION.length, end);
    const versionEnd = this.wordEnd(version, end);
    const vendorKey = skipSpaces(text, versionEnd, end);
    if (
      version === versionKey + VERSION.length ||
      versionEnd === version ||
      hasAt(text, version, VENDOR) ||
      vendorKey === versionEnd ||
      !hasAt(text, vendorKey, VENDOR)
    ) {
      return this.readHeader(text.slice(start, end));
    }
    const vendor = skipSpaces(text, vendorKey + VENDOR.length, end);
    const vendorEnd = this.wordEnd(vendor, end);
    if (vendor === vendorKey + VENDOR.length || vendorEnd === vendor) {
      return this.readHeader(text.slice(start, end));
    }
    this.startBlock(
      text.slice(name, nameEnd),
      text.slice(version, versionEnd),
      text.slice(vendor, vendorEnd),
    );
    return true;
  }

  private readHeader(line: string): boolean {
    const header = FEATURE_HEADER.exec(line);
    if (!header) return false;
    this.startBlock(header[1] ?? "", header[2] || undefined, header[3] || undefined);
    return true;
  }

  /** Every line the scans above do not take, read as the format's regexes define it. */
  private readLineByRegex(line: string): void {
    if (SERVER_HEADER.test(line)) {
      this.endBlock();
      this.sawServer = true;
      return;
    }
    if (this.readHeader(line) || !this.inBlock) return;
    const lineNumber = this.cursor.number;
    const raw = this.cursor.line();
    const counts = COUNTS.exec(line);
    if (counts) {
      this.block.used = parseCount(counts[1] ?? "", lineNumber, raw, "licenses used");
      this.block.total = parseCount(counts[2] ?? "", lineNumber, raw, "licenses issued");
      return;
    }
    const user = USER.exec(line);
    if (user) {
      this.uses.push({
        username: user[2] ?? "",
        host: user[3] ?? "",
        count: parseCount(user[1] ?? "", lineNumber, raw, "licenses held"),
      });
      return;
    }
    const dates = DATES.exec(line);
    if (dates) {
      this.block.expires = dates[1] ?? "";
      return;
    }
    if (IGNORED_FEATURE_LINES.some((re) => re.test(line))) return;
    this.warnings.push(`line ${lineNumber}: not understood in feature ${this.feature}: ${raw}`);
  }

  private startBlock(feature: string, version?: string, vendor?: string): void {
    this.endBlock();
    this.uses = this.merger.open(feature);
    this.feature = feature;
    const block = this.block;
    block.total = -1;
    block.used = -1;
    block.version = version;
    block.vendor = vendor;
    block.expires = undefined;
    this.headerNumber = this.cursor.number;
    this.headerStart = this.cursor.start;
    this.headerEnd = this.cursor.end;
    this.inBlock = true;
  }

  private endBlock(): void {
    if (!this.inBlock) return;
    this.inBlock = false;
    if (this.block.total < 0) {
      const header = this.text.slice(this.headerStart, this.headerEnd);
      this.merger.refuse(this.headerNumber, header);
    } else {
      this.merger.close(this.block);
    }
  }
}

function codesOf(literal: string): readonly number[] {
  return Array.from(literal, (char) => char.charCodeAt(0));
}

/**
 * Whether `text` holds the literal at `position`. A loop over char codes: V8's
 * String.prototype.startsWith with a position costs about twice as much on these short literals.
 */
function hasAt(text: string, position: number, literal: readonly number[]): boolean {
  for (let i = 0; i < literal.length; i++) {
    if (text.charCodeAt(position + i) !== literal[i]) return false;
  }
  return true;
}

/** `[A-Za-z0-9_]`, the characters regex `\b` counts as word characters. */
function isWordCode(code: number): boolean {
  return (
    isDigitCode(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}

function skipDigits(text: string, from: number, end: number): number {
  while (from < end && isDigitCode(text.charCodeAt(from))) from++;
  return from;
}

function skipSpaces(text: string, from: number, end: number): number {
  while (from < end && text.charCodeAt(from) === SPACE) from++;
  return from;
}

/** USER's ` [ip]` after the holder: spaces, then `[…]` closing the line, no `]` inside. */
function isAddressTail(text: string, from: number, end: number): boolean {
  const open = skipSpaces(text, from, end);
  return (
    text.charCodeAt(open) === OPEN_BRACKET &&
    text.charCodeAt(end - 1) === CLOSE_BRACKET &&
    text.indexOf("]", open + 1) === end - 1
  );
}

/** A line of five or more `-`, `+` or `=`, which separates blocks. */
function isRule(text: string, start: number, end: number): boolean {
  if (end - start === RULE.length && hasAt(text, start, RULE)) return true;
  if (end - start < 5) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== MINUS && code !== PLUS && code !== EQUALS) return false;
  }
  return true;
}

/** The first non-blank lines as `N: text`, for a ParseError about the whole output. */
function numbered(lines: readonly string[], limit = 20): string[] {
  return lines.flatMap((line, i) => (line.trim() ? [`${i + 1}: ${line}`] : [])).slice(0, limit);
}
