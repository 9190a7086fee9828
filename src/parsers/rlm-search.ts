const livingForever: object[] = [];

/**
 * Keeps the given objects for the life of the process. V8 keeps the hidden class of a class's
 * instances only while one of them lives: once a parse's reader and helpers are collected, the
 * optimised code built for them is discarded with their classes and the next parse starts cold
 * (several times slower on a large output). One kept instance per class keeps both alive.
 */
export function keepClassesWarm(...instances: object[]): void {
  livingForever.push(...instances);
}

/**
 * Forward searches that remember their last answer. The line readers ask "where is the next
 * X at or after p?" with p growing line by line; answering from the remembered position keeps
 * the whole walk linear, where a fresh `indexOf` per line would rescan the same stretch again
 * and again when X is rare (a space-free or `@`-free run of lines).
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
