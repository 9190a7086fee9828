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

/** `text.slice(from, to).trim()`, without the untrimmed copy. */
export function trimmedSlice(text: string, from: number, to: number): string {
  const start = skipWhitespace(text, from, to);
  return text.slice(start, trimmedEnd(text, start, to));
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

  constructor(private readonly text: string) {
    this.narrow = ["\t", "\v", "\f", "\u00a0"].map((char) => new NextIndex(text, char));
  }

  /** Position of the first one at or after `from` (text.length when none); `from` never decreases. */
  at(from: number): number {
    if (from <= this.next) return this.next;
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

/**
 * Hands out one string per distinct name seen in a walk, so that names repeated on many lines
 * (users holding many licenses) are not copied again for each line: fewer young objects, and
 * fewer garbage collections during a large parse. Slots are picked by length and end characters
 * and checked in full, so a clash only costs a fresh copy.
 */
export class NameCache {
  private readonly names: string[];

  /** `size` must be a power of two. */
  constructor(private readonly size: number) {
    this.names = new Array<string>(size).fill("");
  }

  /** `text.slice(from, to)` (non-empty), or an equal string handed out before. */
  take(text: string, from: number, to: number): string {
    const length = to - from;
    const slot =
      (length * 31 + text.charCodeAt(from) * 7 + text.charCodeAt(to - 1)) & (this.size - 1);
    const cached = this.names[slot] ?? "";
    if (cached.length === length && text.startsWith(cached, from)) return cached;
    const name = text.slice(from, to);
    this.names[slot] = name;
    return name;
  }
}
