/**
 * Building blocks for parsers that read large outputs in place: character classes, forward
 * searches that stay linear, and a way to keep V8's compiled code of a parser's classes alive.
 */

/** Whether a UTF-16 code unit is whitespace as `String.prototype.trim` and `\s` see it. */
export function isWhitespaceCode(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

export function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

/** The code with A-Z folded to a-z: what `toLowerCase` does to ASCII, and only to ASCII. */
export function asciiLowerCode(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** Whether `text[from, to)` is all ASCII digits (true when it is empty). */
export function allDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigitCode(text.charCodeAt(i))) return false;
  return true;
}

/** The first position in `[from, to)` that is not whitespace (as `trim` sees it), or `to`. */
export function skipWhitespace(text: string, from: number, to: number): number {
  let at = from;
  while (at < to && isWhitespaceCode(text.charCodeAt(at))) at++;
  return at;
}

/** The end of `text[from, to)` without its trailing whitespace. */
export function trimmedEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && isWhitespaceCode(text.charCodeAt(end - 1))) end--;
  return end;
}

/** The first whitespace position in `[from, to)`, or `to`: the end of the word at `from`. */
export function wordEndAt(text: string, from: number, to: number): number {
  let at = from;
  while (at < to && !isWhitespaceCode(text.charCodeAt(at))) at++;
  return at;
}

/** Whether the whole text is whitespace (every line of it blank). */
export function isBlankText(text: string): boolean {
  return skipWhitespace(text, 0, text.length) === text.length;
}

/**
 * Forward searches that remember their last answer. Line readers ask "where is the next X at or
 * after p?" with p growing line by line; answering from the remembered position keeps the whole
 * walk linear, where a fresh `indexOf` per line would rescan the same stretch again and again
 * when X is rare (a space-free or `@`-free run of lines).
 */
export class NextIndex {
  private from = 0;
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  /** The first index of the needle at or after `from`, or the text's length when there is none. */
  at(from: number): number {
    if (from > this.found || from < this.from) {
      const index = this.text.indexOf(this.needle, from);
      this.found = index < 0 ? this.text.length : index;
      this.from = from;
    }
    return this.found;
  }
}

/** NextIndex for a pattern (which must carry the `g` flag, so `lastIndex` sets where to start). */
export class NextMatch {
  private from = 0;
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly pattern: RegExp,
  ) {}

  /** Where the first match at or after `from` starts, or the text's length when there is none. */
  at(from: number): number {
    if (from > this.found || from < this.from) {
      this.pattern.lastIndex = from;
      const match = this.pattern.exec(this.text);
      this.found = match ? match.index : this.text.length;
      this.from = from;
    }
    return this.found;
  }
}

const livingForever: object[] = [];

/**
 * Keeps the given objects for the life of the process. V8 keeps the hidden class of a class's
 * instances only while one of them lives: once a parse's reader and helpers are collected, the
 * optimised code built for them is discarded with their classes and the next parse (the next
 * agent cycle) starts cold, several times slower on a large output. One kept instance per class
 * (or one kept report of a tiny sample, for object literals) keeps both alive.
 */
export function keepClassesWarm(...instances: object[]): void {
  livingForever.push(...instances);
}

const WIDE_WHITESPACE = /[\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * True when the text's only whitespace is space, tab, `\r` and `\n`, i.e. it holds none of the
 * other characters `String.prototype.trim` and `\s` know. The three below U+0100 are looked
 * for with `includes` (a fast native scan); the rest with one class, which costs nothing on a
 * one-byte string (it cannot hold them) and one scan on any other.
 */
export function hasOnlyPlainWhitespace(text: string): boolean {
  return (
    !text.includes("\v") &&
    !text.includes("\f") &&
    !text.includes("\u00a0") &&
    !WIDE_WHITESPACE.test(text)
  );
}

const WIDE_BLANK = /[\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/g;

/**
 * Finds, going forward, the blanks other than the space that can occur inside a line: tab,
 * vertical tab, form feed, no-break space, a carriage return that does not end its line, and
 * the wide Unicode spaces. A line without any has only spaces as blanks, so its words can be cut
 * with indexOf(" ") instead of testing every character. Each kind is searched for natively and
 * only again once the reader has passed its last find; the wide ones with one regex, which
 * returns at once on an output that holds no character beyond Latin-1.
 */
export class UnusualWhitespace {
  private readonly narrow: NextIndex[];
  private carriageReturn = -1;
  private wide = -1;
  private next = -1;
  private from = 0;

  constructor(private readonly text: string) {
    this.narrow = ["\t", "\v", "\f", "\u00a0"].map((char) => new NextIndex(text, char));
  }

  /** Position of the first one at or after `from` (text.length when none). */
  at(from: number): number {
    if (from < this.from) {
      this.carriageReturn = -1;
      this.wide = -1;
    } else if (from <= this.next) {
      return this.next;
    }
    this.from = from;
    let next = this.text.length;
    for (const search of this.narrow) next = Math.min(next, search.at(from));
    if (this.carriageReturn < from) this.carriageReturn = this.loneCarriageReturn(from);
    if (this.wide < from) this.wide = this.wideBlank(from);
    this.next = Math.min(next, this.carriageReturn, this.wide);
    return this.next;
  }

  /** A `\r` not followed by `\n` (the `\r` of `\r\n` ends a line and is never inside one). */
  private loneCarriageReturn(from: number): number {
    const text = this.text;
    let at = text.indexOf("\r", from);
    while (at >= 0 && text.charCodeAt(at + 1) === 10) at = text.indexOf("\r", at + 2);
    return at < 0 ? text.length : at;
  }

  private wideBlank(from: number): number {
    WIDE_BLANK.lastIndex = from;
    return WIDE_BLANK.test(this.text) ? WIDE_BLANK.lastIndex - 1 : this.text.length;
  }
}

const SHORT_SLOTS = 1024;
/**
 * Longest value remembered: V8 copies the characters of a shorter slice, while a longer one
 * is a small view into the output, so remembering it would save little.
 */
const SHORT_MAX = 12;

/**
 * Short slices of the output (user names, expiry dates), one string per distinct value
 * where it can: user names repeat on thousands of user lines, and handing out the string
 * already sliced for an equal value spares the allocation, and the garbage collector the
 * copying, of each repeat. A value is found by a hash of its characters and compared
 * character by character (startsWith at a position is much slower for so few).
 */
export class ShortStrings {
  private readonly slots = new Array<string>(SHORT_SLOTS).fill("");

  constructor(private text = "") {}

  /** Starts on another output, forgetting the values of the previous one. */
  start(text: string): void {
    this.text = text;
    this.slots.fill("");
  }

  slice(from: number, to: number): string {
    if (to - from > SHORT_MAX) return this.text.slice(from, to);
    const text = this.text;
    let hash = 0;
    for (let i = from; i < to; i++) hash = shortHashStep(hash, text.charCodeAt(i));
    return this.sliceHashed(from, to, hash);
  }

  /**
   * `slice` for a caller that has already folded the value's characters with shortHashStep
   * (from 0), while it looked for the value's end, so they are read once.
   */
  sliceHashed(from: number, to: number, hash: number): string {
    const length = to - from;
    if (length > SHORT_MAX) return this.text.slice(from, to);
    const text = this.text;
    const slot = (hash ^ (hash >>> 10)) & (SHORT_SLOTS - 1);
    const known = this.slots[slot] ?? "";
    if (known.length === length && sameChars(text, from, known)) return known;
    const fresh = text.slice(from, to);
    this.slots[slot] = fresh;
    return fresh;
  }
}

/** One step of the hash ShortStrings finds a value by: folds in the next character code. */
export function shortHashStep(hash: number, code: number): number {
  return (Math.imul(hash, 31) + code) | 0;
}

/** Whether `text` holds `value` at `from` (the caller knows it has room for it). */
function sameChars(text: string, from: number, value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (text.charCodeAt(from + i) !== value.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * `text.startsWith(literal, at)` for a non-negative `at`, compared code by code: V8's
 * startsWith with a position costs several times this loop for the short literals parsers
 * look for.
 */
export function hasAt(text: string, at: number, literal: string): boolean {
  for (let i = 0; i < literal.length; i++) {
    if (text.charCodeAt(at + i) !== literal.charCodeAt(i)) return false;
  }
  return true;
}
