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
