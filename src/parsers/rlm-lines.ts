import { allDigits, NextIndex } from "./scan.js";

const SPACE = 32;
const COMMA = 44;
const SLASH = 47;
const COLON = 58;
const RESERVATIONS_LABEL = ", # reservations: ";
const INUSE_LABEL = ", inuse: ";
const EXP_LABEL = ", exp: ";

/**
 * Reads the three frequent rlmstat line shapes in place, without a regex or a substring:
 * checkout lines (`product vVER: user@host N/M at …`), product lines (`product vVER[, pool: N]`)
 * and count lines (`count: N, # reservations: N, inuse: N, exp: DATE`). They are most of a
 * large output, and a regex match per line allocates its array and captures.
 *
 * Every method expects `[start, end)` to be a trimmed line whose only whitespace is the space
 * (the caller sends lines with tabs or other whitespace inside to the regex reading). A shape
 * reader answers true only where the rlm.ts pattern for that shape reads the same fields;
 * on any doubt it answers false and the caller falls back to the pattern.
 */
export class RlmLineShapes {
  /** checkout line: user is `[userStart, at)`, host `(at, hostEnd)`, tokens held `count` */
  userStart = 0;
  at = 0;
  hostEnd = 0;
  count = 0;
  /** product line: the version is `[versionStart, versionEnd)` */
  versionStart = 0;
  versionEnd = 0;
  /** count line: where the values of count, reservations and inuse start and end */
  countStart = 0;
  countEnd = 0;
  reservationsStart = 0;
  reservationsEnd = 0;
  inuseStart = 0;
  inuseEnd = 0;
  /** count line: the expiry runs from here to the line's end */
  expStart = 0;

  private readonly spaces: NextIndex;
  private readonly ats: NextIndex;
  private readonly commas: NextIndex;
  /** the labels between the values of a count line, found natively (see isAt) */
  private readonly reservationsLabels: NextIndex;
  private readonly inuseLabels: NextIndex;
  private readonly expLabels: NextIndex;

  constructor(private readonly text: string) {
    this.spaces = new NextIndex(text, " ");
    this.ats = new NextIndex(text, "@");
    this.commas = new NextIndex(text, ",");
    this.reservationsLabels = new NextIndex(text, RESERVATIONS_LABEL);
    this.inuseLabels = new NextIndex(text, INUSE_LABEL);
    this.expLabels = new NextIndex(text, EXP_LABEL);
  }

  /** The first space at or after `from` (the text's length when there is none). */
  nextSpace(from: number): number {
    return this.spaces.at(from);
  }

  /**
   * `product vVER: user@host N/M at REST`, where `productEnd` is the line's first space and is
   * followed by `v`. The user runs to the token's only `@`.
   */
  readUse(end: number, productEnd: number): boolean {
    const text = this.text;
    const versionStart = productEnd + 2;
    const versionSpace = spaceBefore(text, versionStart, end);
    if (
      versionSpace >= end ||
      versionSpace - 1 <= versionStart ||
      text.charCodeAt(versionSpace - 1) !== COLON
    )
      return false;
    const userStart = versionSpace + 1;
    const hostEnd = this.spaces.at(userStart);
    const at = this.ats.at(userStart);
    if (hostEnd >= end || at <= userStart || at >= hostEnd - 1 || this.ats.at(at + 1) < hostEnd)
      return false;
    if (!this.readHeld(hostEnd + 1, end)) return false;
    this.userStart = userStart;
    this.at = at;
    this.hostEnd = hostEnd;
    return true;
  }

  /**
   * `N/M at ` from `start`: N (the tokens held, into `count`) is 1 to 15 digits and M one or
   * more characters without a `/`. A short token, so read character by character.
   */
  private readHeld(start: number, end: number): boolean {
    const text = this.text;
    let count = 0;
    let i = start;
    for (; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) break;
      count = count * 10 + (code - 48);
    }
    if (i === start || i - start > 15 || text.charCodeAt(i) !== SLASH) return false;
    const otherStart = i + 1;
    for (i = otherStart; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code === SPACE) break;
      if (code === SLASH) return false;
    }
    if (i === otherStart || i + 4 > end || !text.startsWith(" at ", i)) return false;
    this.count = count;
    return true;
  }

  /** `product vVER` or `product vVER, pool: N`, where `space` is the line's first space. */
  readProduct(end: number, space: number): boolean {
    const text = this.text;
    const versionStart = space + 2;
    const nextSpace = this.spaces.at(versionStart);
    if (nextSpace >= end) {
      this.versionStart = versionStart;
      this.versionEnd = end;
      return versionStart < end;
    }
    const comma = nextSpace - 1;
    if (comma <= versionStart || text.charCodeAt(comma) !== COMMA) return false;
    if (
      !text.startsWith(" pool: ", nextSpace) ||
      !(nextSpace + 7 < end && allDigits(text, nextSpace + 7, end))
    )
      return false;
    this.versionStart = versionStart;
    this.versionEnd = comma;
    return true;
  }

  /**
   * The count line (known to start with `count: `) as rlmstat prints it,
   * `count: A, # reservations: B, inuse: C, exp: D`, read by its fixed separators: A to C are
   * non-empty and unpadded, D runs to the end and holds no comma. False for any other shape.
   */
  readPrintedCounts(start: number, end: number): boolean {
    const text = this.text;
    const countStart = start + 7;
    const countEnd = this.commas.at(countStart);
    if (!isValue(text, countStart, countEnd, end) || !isAt(text, this.reservationsLabels, countEnd))
      return false;
    const reservationsStart = countEnd + RESERVATIONS_LABEL.length;
    const reservationsEnd = this.commas.at(reservationsStart);
    if (
      !isValue(text, reservationsStart, reservationsEnd, end) ||
      !isAt(text, this.inuseLabels, reservationsEnd)
    )
      return false;
    const inuseStart = reservationsEnd + INUSE_LABEL.length;
    const inuseEnd = this.commas.at(inuseStart);
    if (!isValue(text, inuseStart, inuseEnd, end) || !isAt(text, this.expLabels, inuseEnd))
      return false;
    const expStart = inuseEnd + EXP_LABEL.length;
    if (this.commas.at(expStart) < end || !isValue(text, expStart, end, end)) return false;
    this.countStart = countStart;
    this.countEnd = countEnd;
    this.reservationsStart = reservationsStart;
    this.reservationsEnd = reservationsEnd;
    this.inuseStart = inuseStart;
    this.inuseEnd = inuseEnd;
    this.expStart = expStart;
    return true;
  }
}

/** The first space in `text[from, to)`, or `to`: for short tokens, where a loop beats indexOf. */
function spaceBefore(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && text.charCodeAt(i) !== SPACE) i++;
  return i;
}

/**
 * Whether the needle of `search` starts at `at` (`startsWith` at a position). A native search
 * compares a label of a count line several times faster than `startsWith` does, and one that
 * has to look further ahead is remembered, so the reading stays linear.
 */
function isAt(text: string, search: NextIndex, at: number): boolean {
  return at < text.length && search.at(at) === at;
}

/** `text[from, to)` is a non-empty value without surrounding spaces that ends by `end`. */
function isValue(text: string, from: number, to: number, end: number): boolean {
  return (
    from < to && to <= end && text.charCodeAt(from) !== SPACE && text.charCodeAt(to - 1) !== SPACE
  );
}
