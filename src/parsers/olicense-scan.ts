/**
 * In-place scanning for the olixtool parser: JavaScript's whitespace set (what `\s` matches and
 * `trim()` removes), and forward searches that remember what they found, so that one walk over a
 * large output searches each stretch of text once instead of once per line.
 */

/** Every character `\s` matches except the plain space and the `\n` that ends lines. */
export const UNUSUAL_WHITESPACE: readonly string[] = [
  "\t",
  "\v",
  "\f",
  "\r",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u2001",
  "\u2002",
  "\u2003",
  "\u2004",
  "\u2005",
  "\u2006",
  "\u2007",
  "\u2008",
  "\u2009",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
];

/** True for the characters `\s` matches and `trim()` removes. */
export function isWhitespace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
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

/** The first non-whitespace position in `text[from, to)`, or `to`. */
export function skipWhitespace(text: string, from: number, to: number): number {
  let position = from;
  while (position < to && isWhitespace(text.charCodeAt(position))) position++;
  return position;
}

/** The end of `text[from, to)` without its trailing whitespace. */
export function trimmedEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && isWhitespace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** `text.slice(from, to).trim()`, without the untrimmed copy. */
export function trimmedSlice(text: string, from: number, to: number): string {
  const start = skipWhitespace(text, from, to);
  return text.slice(start, trimmedEnd(text, start, to));
}

/**
 * The next occurrence of one character during a forward walk. Positions asked for must not
 * decrease; the answer is remembered until the walk passes it, so however many lines ask, each
 * stretch of text is searched once (a plain indexOf per line would rescan to the next occurrence,
 * possibly far ahead, for every line).
 */
export class ForwardSearch {
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  /** The first position at or after `position` holding the character, or text.length. */
  from(position: number): number {
    if (this.found < position) {
      const index = this.text.indexOf(this.char, position);
      this.found = index < 0 ? this.text.length : index;
    }
    return this.found;
  }
}

/** The next occurrence of any of several characters during a forward walk (see ForwardSearch). */
export class ForwardSearchAny {
  private found = -1;
  private readonly searches: ForwardSearch[];

  constructor(
    private readonly text: string,
    chars: readonly string[],
  ) {
    this.searches = chars.map((char) => new ForwardSearch(text, char));
  }

  /** The first position at or after `position` holding one of the characters, or text.length. */
  from(position: number): number {
    if (this.found < position) {
      let found = this.text.length;
      for (const search of this.searches) found = Math.min(found, search.from(position));
      this.found = found;
    }
    return this.found;
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
