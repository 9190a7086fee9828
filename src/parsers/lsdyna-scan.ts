/**
 * Character-level helpers for reading `lstc_qrun` lines in place. They agree exactly with
 * the `\s` class and `String.prototype.trim` of JavaScript, so an in-place reading splits a
 * line where `split(/\s+/)` would.
 */

/** Whether a UTF-16 code unit is JavaScript whitespace (`\s`, what `trim` removes). */
export function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

/** The first position in `[from, to)` that is not whitespace, or `to`. */
export function skipSpace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The first whitespace position in `[from, to)`, or `to`: the end of the field at `from`. */
export function fieldEnd(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && !isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The end of `[from, to)` without its trailing whitespace. */
export function trimEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && isSpace(text.charCodeAt(i - 1))) i--;
  return i;
}

/** Whether the whole text is whitespace (every line of it blank). */
export function isBlank(text: string): boolean {
  return skipSpace(text, 0, text.length) === text.length;
}

/** Every whitespace character of JavaScript but the plain space and the line feed. */
const ODD_SPACES = [
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

/**
 * Finds whitespace other than plain spaces, so that a line without any can be split into
 * fields with `indexOf(" ")` (native and fast) instead of testing every character. Each
 * character is searched again only once the reading has passed its last occurrence, so the
 * searches cost one scan of the text per character that occurs, and almost nothing per line.
 */
export class OddSpaces {
  private readonly next: number[];
  private lastFrom = 0;
  private first = 0;

  constructor(private readonly text: string) {
    this.next = ODD_SPACES.map(() => -1);
    this.first = this.search(0);
  }

  /** The first odd whitespace character at or after `from`, or the text's length. */
  firstFrom(from: number): number {
    if (from < this.lastFrom) this.next.fill(-1);
    else if (this.first >= from) return this.first;
    this.lastFrom = from;
    this.first = this.search(from);
    return this.first;
  }

  private search(from: number): number {
    const { text, next } = this;
    let first = text.length;
    for (let k = 0; k < next.length; k++) {
      let at = next[k] ?? -1;
      if (at < from) {
        at = text.indexOf(ODD_SPACES[k] ?? "", from);
        if (at < 0) at = text.length;
        next[k] = at;
      }
      if (at < first) first = at;
    }
    return first;
  }
}

const SHORT_SLOTS = 1024;
/** Longer values are sliced every time: comparing them would cost more than it saves. */
const SHORT_MAX = 16;

/**
 * Short slices of the output (user names, expiry dates), one string per distinct value
 * where it can: user names repeat on thousands of user lines, and handing out the string
 * already sliced for an equal value spares the allocation, and the garbage collector the
 * copying, of each repeat. A value is found by a hash of its characters and compared
 * character by character (startsWith at a position is much slower for so few).
 */
export class ShortSlices {
  private readonly slots = new Array<string>(SHORT_SLOTS).fill("");

  constructor(private readonly text: string) {}

  slice(from: number, to: number): string {
    const length = to - from;
    if (length > SHORT_MAX) return this.text.slice(from, to);
    const text = this.text;
    let hash = length;
    for (let i = from; i < to; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
    const slot = (hash ^ (hash >>> 10)) & (SHORT_SLOTS - 1);
    const known = this.slots[slot] ?? "";
    if (known.length === length && sameChars(text, from, known)) return known;
    const fresh = text.slice(from, to);
    this.slots[slot] = fresh;
    return fresh;
  }
}

/** Whether `text` holds `value` at `from` (the caller knows it has room for it). */
function sameChars(text: string, from: number, value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (text.charCodeAt(from + i) !== value.charCodeAt(i)) return false;
  }
  return true;
}
