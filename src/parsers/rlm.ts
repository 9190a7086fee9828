import { ParseError, ServerError } from "./errors.js";
import { RlmLineShapes } from "./rlm-lines.js";
import {
  hasOnlyPlainWhitespace,
  isSpaceOrTab,
  keepClassesWarm,
  NextIndex,
  NextMatch,
} from "./scan.js";
import { LineCursor, lineAround, lineNumberAt, parseCount, readCount, splitLines } from "./text.js";
import { ProductTotals } from "./rlm-totals.js";
import type { LicenseUse, ParsedReport, Parser } from "./types.js";

/**
 * Reads `rlmutil rlmstat -a -p` output (rlmutil v12 and v15 shapes).
 *
 * Only two kinds of block carry usage: `<isv> license pool status on …` (a product line
 * `name vVER[, pool: N]` followed by `count: …, # reservations: …, inuse: …, exp: …`) and
 * `<isv> license usage status on …` (one line per checkout). A product is summed across its
 * pools and across ISVs; every other block (server status, ISV table, statistics) is skipped.
 *
 * The patterns below define what each line means. Large outputs are mostly product, count and
 * checkout lines, so those are first read in place by RlmLineShapes, which reads the same
 * fields as the patterns; a line it is not sure of is read with the patterns.
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
/**
 * `product vVER: user@host N/M at …`. The holder splits at its last `@` that leaves a host, and
 * `N/M` at its last `/` that leaves an M, as `(\S+)@(\S+)` and `(\S+)\/(\S+)` would split them;
 * written so that a word of thousands of `@` or `/` is read in linear time, not quadratic.
 */
const USAGE_LINE = /^(\S+) v(\S+): (\S+)@([^\s@]+|[^\s@]*@) (\S+)\/([^\s/]+|[^\s/]*\/) at (.*)$/;
const UNLIMITED_WORDS = new Set(["unlimited", "uncounted"]);

const NO_BLOCK = 0;
const POOL_BLOCK = 1;
const USAGE_BLOCK = 2;
type BlockKind = typeof NO_BLOCK | typeof POOL_BLOCK | typeof USAGE_BLOCK;

const DASH = 45;
const LETTER_UPPER_C = 67;
const LETTER_UPPER_D = 68;
const LETTER_I = 73;
const LETTER_UPPER_M = 77;
const LETTER_UPPER_R = 82;
const LETTER_UPPER_S = 83;
const LETTER_C = 99;
const LETTER_H = 104;
const LETTER_L = 108;
const LETTER_O = 111;
const LETTER_R = 114;
const LETTER_V = 118;

/** The product line being read: where its product and version are in the output. */
interface PendingPool {
  isv: string;
  productStart: number;
  productEnd: number;
  versionStart: number;
  versionEnd: number;
  lineNumber: number;
  lineStart: number;
  lineEnd: number;
  counted: boolean;
}

/** The numbers of one count line. */
interface PoolCounts {
  count: number;
  unlimited: boolean;
  used: number;
  reserved: number;
}

/** A checkout of a product no pool has listed yet. */
interface PendingUse {
  product: string;
  use: LicenseUse;
  lineNumber: number;
  lineText: string;
}

export function parseRlmstat(output: string): ParsedReport {
  if (!/\S/.test(output)) throw new ParseError("rlmstat output is empty");
  throwIfServerError(output);
  const reader = new RlmstatReader(output);
  reader.readAll();
  return reader.report();
}

/**
 * Throws for the first line a SERVER_ERROR_PATTERNS pattern matches. Each of those lines holds
 * "connect" or "license server", so one search over the whole output finds the few lines worth
 * testing, where testing every line would cost as much as reading it.
 */
function throwIfServerError(text: string): void {
  const words = /connect|license server/gi;
  for (let match = words.exec(text); match; match = words.exec(text)) {
    const { start, end, text: raw } = lineAround(text, match.index);
    const line = raw.trim();
    if (SERVER_ERROR_PATTERNS.some((re) => re.test(line))) {
      throw new ServerError("rlm server is not reachable", lineNumberAt(text, start), raw);
    }
    words.lastIndex = end + 1;
  }
}

/** The first non-blank lines as `N: text`, for a ParseError about the whole output. */
function numbered(lines: readonly string[], limit = 20): string[] {
  return lines.flatMap((line, i) => (line.trim() ? [`${i + 1}: ${line}`] : [])).slice(0, limit);
}

/** Walks the lines once, keeping which block it is in and the product line being read. */
class RlmstatReader {
  private readonly features = new Map<string, ProductTotals>();
  private readonly warnings: string[] = [];
  private block: BlockKind = NO_BLOCK;
  private isv = "";
  private pool: PendingPool | undefined = undefined;
  /** the one PendingPool object, reused for every product line */
  private readonly poolSlot: PendingPool = {
    isv: "",
    productStart: 0,
    productEnd: 0,
    versionStart: 0,
    versionEnd: 0,
    lineNumber: 0,
    lineStart: 0,
    lineEnd: 0,
    counted: false,
  };
  private sawStatus = false;
  /** checkouts of products no pool has listed yet, by lower-cased product */
  private readonly waiting = new Map<string, PendingUse[]>();
  /**
   * The product of the last checkout line and of the last count line, as printed, with its
   * totals: checkouts and pools come grouped by product, so most need no lookup by name.
   */
  private lastUseProduct = "";
  private lastUseTotals: ProductTotals | undefined = undefined;
  private lastPoolProduct = "";
  private lastPoolTotals: ProductTotals | undefined = undefined;
  /**
   * Products in the order pools list them (one entry per run of pools of a product), and the
   * entry of the last checkout's product: checkouts follow that order, so the next product of
   * a checkout is most often the next entry, found without a lookup by name.
   */
  private readonly listedProducts: string[] = [];
  private readonly listedTotals: ProductTotals[] = [];
  private lastUseListed = -1;
  private readonly counts: PoolCounts = { count: 0, unlimited: false, used: 0, reserved: 0 };
  private readonly shapes: RlmLineShapes;
  /** lines holding one of these go to the patterns: the shape readers do not handle them */
  private readonly tabs: NextIndex;
  private readonly returns: NextIndex;
  private readonly statistics: NextMatch;
  private readonly plainWhitespace: boolean;
  private readonly cursor: LineCursor;

  constructor(private readonly text: string) {
    this.cursor = new LineCursor(text);
    this.shapes = new RlmLineShapes(text);
    this.tabs = new NextIndex(text, "\t");
    this.returns = new NextIndex(text, "\r");
    this.statistics = new NextMatch(text, /statistics/gi);
    this.plainWhitespace = hasOnlyPlainWhitespace(text);
  }

  readAll(): void {
    const cursor = this.cursor;
    while (cursor.advance()) {
      const { number, start, end } = cursor;
      if (!this.plainWhitespace) this.readLineByPattern(number, start, end);
      else if (this.block !== USAGE_BLOCK || !this.readCheckoutInPlace(number, start, end))
        this.readLine(number, start, end);
    }
    this.closePool();
  }

  report(): ParsedReport {
    if (!this.sawStatus) {
      const lines = splitLines(this.text);
      throw new ParseError("no rlm status found in the output", 1, lines[0] ?? "", numbered(lines));
    }
    const unlisted = firstPending(this.waiting);
    if (unlisted) {
      throw new ParseError(
        `usage of product "${unlisted.product}" that no license pool lists`,
        unlisted.lineNumber,
        unlisted.lineText,
      );
    }
    const features = [];
    for (const totals of this.features.values()) features.push(totals.toFeatureUsage());
    return { type: "rlm", features, warnings: this.warnings };
  }

  /**
   * Reads a line of an output whose only whitespace is space, tab and line ends: product,
   * count and checkout lines in place, any other line (headers included) as readOtherLine
   * says.
   */
  private readLine(lineNumber: number, lineStart: number, lineEnd: number): void {
    const { text, shapes } = this;
    let start = lineStart;
    let end = lineEnd;
    while (start < end && isSpaceOrTab(text.charCodeAt(start))) start++;
    if (start === end) return;
    while (isSpaceOrTab(text.charCodeAt(end - 1))) end--;
    if (
      this.tabs.at(start) < end ||
      this.returns.at(lineStart) < lineEnd ||
      this.statistics.at(start) < end
    ) {
      this.readLineByPattern(lineNumber, lineStart, lineEnd);
      return;
    }
    // A first word followed by ` v…` starts a product or checkout line, never a header; one
    // followed by ` l…` or ` I…` may start a header.
    const space = shapes.nextSpace(start);
    const afterSpace = space < end ? text.charCodeAt(space + 1) : 0;
    const versioned = afterSpace === LETTER_V;
    if (this.block === USAGE_BLOCK) {
      if (versioned && !isStatisticsCounter(text, start) && shapes.readUse(end, space)) {
        this.addUseInPlace(lineNumber, lineStart, lineEnd, start, space);
        return;
      }
    } else if (this.block === POOL_BLOCK) {
      if (versioned) {
        if (!isStatisticsCounter(text, start) && shapes.readProduct(end, space)) {
          const { versionStart, versionEnd } = shapes;
          this.openPool(start, space, versionStart, versionEnd, lineNumber, lineStart, lineEnd);
          return;
        }
      } else if (
        afterSpace !== LETTER_L &&
        afterSpace !== LETTER_I &&
        this.readPoolDetailInPlace(start, end)
      ) {
        return;
      }
    }
    this.readOtherLine(lineNumber, lineStart, lineEnd, start, afterSpace);
  }

  /**
   * The checkout line of a usage block read in place, as readLine reads it; false, having
   * read nothing, for any other line (which readLine then reads). Checkout lines are most of a
   * large output, so they get a short path of their own.
   */
  private readCheckoutInPlace(lineNumber: number, lineStart: number, lineEnd: number): boolean {
    const { text, shapes } = this;
    let start = lineStart;
    let end = lineEnd;
    while (start < end && isSpaceOrTab(text.charCodeAt(start))) start++;
    while (end > start && isSpaceOrTab(text.charCodeAt(end - 1))) end--;
    if (
      start === end ||
      this.tabs.at(start) < end ||
      this.returns.at(lineStart) < lineEnd ||
      this.statistics.at(start) < end
    )
      return false;
    const space = shapes.nextSpace(start);
    if (space >= end || text.charCodeAt(space + 1) !== LETTER_V) return false;
    if (isStatisticsCounter(text, start) || !shapes.readUse(end, space)) return false;
    this.addUseInPlace(lineNumber, lineStart, lineEnd, start, space);
    return true;
  }

  /**
   * Any line but a product, count or checkout line read in place. Headers are rare and known
   * by a fixed word after the first space (or at the start): only they need the patterns.
   */
  private readOtherLine(
    lineNumber: number,
    lineStart: number,
    lineEnd: number,
    start: number,
    afterSpace: number,
  ): void {
    const text = this.text;
    const first = text.charCodeAt(start);
    const mayBeHeader =
      afterSpace === LETTER_L ||
      afterSpace === LETTER_I ||
      first === DASH ||
      (first === LETTER_R && text.startsWith("rlm status on ", start));
    if (!mayBeHeader && (this.block === NO_BLOCK || isStatisticsCounter(text, start))) return;
    this.readLineByPattern(lineNumber, lineStart, lineEnd);
  }

  /**
   * The `obsolete:` line, and the count line as rlmstat prints it, under a product line; false
   * for any other line or count line (read with the patterns, which also give its error).
   */
  private readPoolDetailInPlace(start: number, end: number): boolean {
    const { pool, text, shapes } = this;
    if (!pool) return false;
    const first = text.charCodeAt(start);
    if (first === LETTER_O) return text.startsWith("obsolete:", start);
    if (
      first !== LETTER_C ||
      pool.counted ||
      !text.startsWith("count: ", start) ||
      !shapes.readPrintedCounts(start, end)
    )
      return false;
    const { countStart, countEnd } = shapes;
    // Only a nine-letter value can lower-case to "unlimited" or "uncounted".
    const unlimited =
      countEnd - countStart === 9 &&
      UNLIMITED_WORDS.has(text.slice(countStart, countEnd).toLowerCase());
    const count = unlimited ? 0 : readCount(text, countStart, countEnd);
    const used = readCount(text, shapes.inuseStart, shapes.inuseEnd);
    const reserved = readCount(text, shapes.reservationsStart, shapes.reservationsEnd);
    if (count < 0 || used < 0 || reserved < 0) return false;
    const counts = this.counts;
    counts.count = count;
    counts.unlimited = unlimited;
    counts.used = used;
    counts.reserved = reserved;
    const totals = this.addPoolCounts(pool, counts);
    if (shapes.expStart < end) totals.addExpiresAt(text, shapes.expStart, end);
    return true;
  }

  private addUseInPlace(
    lineNumber: number,
    lineStart: number,
    lineEnd: number,
    start: number,
    productEnd: number,
  ): void {
    const { text, shapes } = this;
    const use: LicenseUse = {
      username: text.slice(shapes.userStart, shapes.at),
      host: text.slice(shapes.at + 1, shapes.hostEnd),
      count: shapes.count,
    };
    const last = this.lastUseProduct;
    const totals = this.lastUseTotals;
    if (totals && productEnd - start === last.length && text.startsWith(last, start)) {
      totals.uses.push(use);
      return;
    }
    const listed = this.lastUseListed + 1;
    const nextProduct = this.listedProducts[listed];
    const nextTotals = this.listedTotals[listed];
    if (
      nextProduct !== undefined &&
      nextTotals &&
      productEnd - start === nextProduct.length &&
      text.startsWith(nextProduct, start)
    ) {
      this.lastUseListed = listed;
      this.lastUseProduct = nextProduct;
      this.lastUseTotals = nextTotals;
      nextTotals.uses.push(use);
      return;
    }
    this.addUse(text.slice(start, productEnd), use, lineNumber, lineStart, lineEnd);
  }

  /** The line read with the patterns alone (headers, unusual lines, unusual whitespace). */
  private readLineByPattern(lineNumber: number, lineStart: number, lineEnd: number): void {
    const raw = this.text.slice(lineStart, lineEnd);
    const line = raw.trim();
    if (line === "") return;
    if (this.readHeader(line)) return;
    if (this.block === NO_BLOCK || STATISTICS_LINE.test(line)) return;

    if (this.block === POOL_BLOCK) {
      const product = PRODUCT_LINE.exec(line);
      if (product) {
        const productStart = lineStart + raw.length - raw.trimStart().length;
        const productEnd = productStart + (product[1] ?? "").length;
        const versionStart = productEnd + 2;
        const versionEnd = versionStart + (product[2] ?? "").length;
        this.openPool(
          productStart,
          productEnd,
          versionStart,
          versionEnd,
          lineNumber,
          lineStart,
          lineEnd,
        );
      } else if (!this.readPoolDetail(line, lineNumber, raw)) {
        this.warnings.push(
          `line ${lineNumber}: not understood in ${this.isv} license pool status: ${raw}`,
        );
      }
      return;
    }
    const usage = USAGE_LINE.exec(line);
    if (usage) {
      const use: LicenseUse = {
        username: usage[3] ?? "",
        host: usage[4] ?? "",
        count: parseCount(usage[5] ?? "", lineNumber, raw, "tokens held"),
      };
      this.addUse(usage[1] ?? "", use, lineNumber, lineStart, lineEnd);
    } else {
      this.warnings.push(
        `line ${lineNumber}: not understood in ${this.isv} license usage status: ${raw}`,
      );
    }
  }

  /** Starts the block a header line opens; false when the line is no header. */
  private readHeader(line: string): boolean {
    const poolHeader = POOL_HEADER.exec(line);
    const usageHeader = USAGE_HEADER.exec(line);
    const statusHeader = STATUS_HEADERS.some((re) => re.test(line));
    if (!poolHeader && !usageHeader && !statusHeader && !OTHER_HEADERS.some((re) => re.test(line)))
      return false;
    this.closePool();
    this.sawStatus ||= Boolean(poolHeader || usageHeader || statusHeader);
    if (poolHeader) this.openBlock(POOL_BLOCK, poolHeader[1] ?? "");
    else if (usageHeader) this.openBlock(USAGE_BLOCK, usageHeader[1] ?? "");
    else this.openBlock(NO_BLOCK, "");
    return true;
  }

  private openBlock(kind: BlockKind, isv: string): void {
    this.block = kind;
    this.isv = isv;
  }

  private readPoolDetail(line: string, lineNumber: number, raw: string): boolean {
    const pool = this.pool;
    if (!pool) return false;
    if (line.startsWith("count:") && !pool.counted) {
      const expires = this.readCounts(pool, line, lineNumber, raw);
      const totals = this.addPoolCounts(pool, this.counts);
      if (expires) totals.addExpires(expires);
      return true;
    }
    return line.startsWith("obsolete:");
  }

  private openPool(
    productStart: number,
    productEnd: number,
    versionStart: number,
    versionEnd: number,
    lineNumber: number,
    lineStart: number,
    lineEnd: number,
  ): void {
    this.closePool();
    const pool = this.poolSlot;
    pool.isv = this.isv;
    pool.productStart = productStart;
    pool.productEnd = productEnd;
    pool.versionStart = versionStart;
    pool.versionEnd = versionEnd;
    pool.lineNumber = lineNumber;
    pool.lineStart = lineStart;
    pool.lineEnd = lineEnd;
    pool.counted = false;
    this.pool = pool;
  }

  private closePool(): void {
    const pool = this.pool;
    if (pool && !pool.counted) {
      throw new ParseError(
        `product "${this.productOf(pool)}" has no count line`,
        pool.lineNumber,
        this.text.slice(pool.lineStart, pool.lineEnd),
      );
    }
    this.pool = undefined;
  }

  private productOf(pool: PendingPool): string {
    return this.text.slice(pool.productStart, pool.productEnd);
  }

  /**
   * Reads `count: N|unlimited, # reservations: N, inuse: N, exp: DATE` into `counts`;
   * returns the expiry.
   */
  private readCounts(
    pool: PendingPool,
    line: string,
    lineNumber: number,
    raw: string,
  ): string | undefined {
    const fields = new Map<string, string>();
    for (const part of line.split(/,\s*/)) {
      const colon = part.indexOf(":");
      if (colon > 0) fields.set(part.slice(0, colon).trim(), part.slice(colon + 1).trim());
    }
    const countText = fields.get("count");
    const inuseText = fields.get("inuse");
    if (countText === undefined || inuseText === undefined) {
      throw new ParseError(
        `product "${this.productOf(pool)}" has no count or inuse`,
        lineNumber,
        raw,
      );
    }
    const counts = this.counts;
    counts.unlimited = UNLIMITED_WORDS.has(countText.toLowerCase());
    counts.count = counts.unlimited ? 0 : parseCount(countText, lineNumber, raw, "count");
    counts.used = parseCount(inuseText, lineNumber, raw, "inuse");
    const reservationsText = fields.get("# reservations");
    counts.reserved =
      reservationsText === undefined
        ? 0
        : parseCount(reservationsText, lineNumber, raw, "reservations");
    return fields.get("exp");
  }

  /** Adds a pool's counts to its product (created at its first count line). */
  private addPoolCounts(pool: PendingPool, counts: PoolCounts): ProductTotals {
    const totals = this.poolTotals(pool);
    totals.total += counts.count;
    totals.unlimited ||= counts.unlimited;
    totals.used += counts.used;
    totals.reserved += counts.reserved;
    totals.addVendor(pool.isv);
    totals.addVersionAt(this.text, pool.versionStart, pool.versionEnd);
    pool.counted = true;
    return totals;
  }

  private poolTotals(pool: PendingPool): ProductTotals {
    const { text, lastPoolProduct } = this;
    const { productStart, productEnd } = pool;
    if (
      this.lastPoolTotals &&
      productEnd - productStart === lastPoolProduct.length &&
      text.startsWith(lastPoolProduct, productStart)
    )
      return this.lastPoolTotals;
    const product = text.slice(productStart, productEnd);
    const key = product.toLowerCase();
    let totals = this.features.get(key);
    if (!totals) {
      totals = new ProductTotals(product, this.waiting.size > 0 ? this.takeWaiting(key) : []);
      this.features.set(key, totals);
    }
    this.lastPoolProduct = product;
    this.lastPoolTotals = totals;
    totals.listedAt = this.listedProducts.length;
    this.listedProducts.push(product);
    this.listedTotals.push(totals);
    return totals;
  }

  /**
   * Adds a checkout to its product. A checkout may come before any pool lists its product;
   * it waits for that pool, and the output is rejected if none comes.
   */
  private addUse(
    product: string,
    use: LicenseUse,
    lineNumber: number,
    lineStart: number,
    lineEnd: number,
  ): void {
    const key = product.toLowerCase();
    const totals = this.features.get(key);
    if (totals) {
      totals.uses.push(use);
      this.lastUseProduct = product;
      this.lastUseTotals = totals;
      this.lastUseListed = totals.listedAt;
      return;
    }
    const pending = { product, use, lineNumber, lineText: this.text.slice(lineStart, lineEnd) };
    const waiting = this.waiting.get(key);
    if (waiting) waiting.push(pending);
    else this.waiting.set(key, [pending]);
  }

  private takeWaiting(key: string): LicenseUse[] {
    const waiting = this.waiting.get(key);
    if (!waiting) return [];
    this.waiting.delete(key);
    return waiting.map((pending) => pending.use);
  }
}

/** STATISTICS_LINE without a regex: the first letter rules out most lines. */
function isStatisticsCounter(text: string, start: number): boolean {
  switch (text.charCodeAt(start)) {
    case LETTER_UPPER_C:
      // product names often start with C: the second letter rules most of them out
      switch (text.charCodeAt(start + 1)) {
        case LETTER_O:
          return text.startsWith("Connections:", start);
        case LETTER_H:
          return text.startsWith("Checkouts:", start);
        default:
          return false;
      }
    case LETTER_UPPER_D:
      return text.startsWith("Denials:", start);
    case LETTER_UPPER_M:
      return text.startsWith("Messages:", start);
    case LETTER_UPPER_R:
      return text.startsWith("Removals:", start);
    case LETTER_UPPER_S:
      return text.startsWith("Startup time:", start);
    default:
      return false;
  }
}

/** The checkout that waits for a pool and comes first in the output. */
function firstPending(waiting: ReadonlyMap<string, PendingUse[]>): PendingUse | undefined {
  let first: PendingUse | undefined;
  for (const uses of waiting.values()) {
    const candidate = uses[0];
    if (candidate && (!first || candidate.lineNumber < first.lineNumber)) first = candidate;
  }
  return first;
}

keepClassesWarm(new RlmstatReader(""), new ProductTotals("", []));

export const rlmParser: Parser = {
  type: "rlm",
  command: (server, opts) => ({
    argv: [opts?.binary ?? "rlmutil", "rlmstat", "-c", `${server.port}@${server.host}`, "-a", "-p"],
  }),
  parse: parseRlmstat,
};
