/**
 * In-place reading of getLicenseUsage CSV rows: the rows of a large output are walked comma by
 * comma instead of being split, trimmed and prompt-stripped with regexes, so a row costs no
 * string beyond the ones that go into the report.
 */
import { isWhitespaceCode, skipWhitespace } from "./scan.js";

/** Runs of characters up to whitespace or a comma; sticky, so it reads in place from lastIndex. */
const WORD = /[^\s,]*/y;

/**
 * The end of the first whitespace-delimited word of the non-empty trimmed field starting at
 * `from` (the regex engine scans faster than a charCodeAt loop, and `test` allocates nothing).
 */
export function wordEnd(text: string, from: number): number {
  WORD.lastIndex = from;
  WORD.test(text);
  return WORD.lastIndex;
}

const COMMA = 44;
const PROMPT = "admin";
const PROMPT_MARK = 62; // ">"

/**
 * Where a line's content starts once a leading `admin >` prompt (spaces allowed around both
 * parts, as the tool's echo varies) is skipped; `start` when the line has no prompt.
 */
export function afterPrompt(text: string, start: number, end: number): number {
  let at = skipWhitespace(text, start, end);
  if (!text.startsWith(PROMPT, at)) return start;
  at = skipWhitespace(text, at + PROMPT.length, end);
  if (at >= end || text.charCodeAt(at) !== PROMPT_MARK) return start;
  return skipWhitespace(text, at + 1, end);
}

/**
 * The fields of one CSV row, as trimmed bounds relative to the line start (so the bounds of a
 * leading run of fields stay valid for a next row that starts with the same text).
 */
export class RowFields {
  /** trimmed start and end of field i at 2i and 2i + 1 */
  private bounds: Int32Array;
  /** where field i ends before trimming: its comma, or the line end */
  private rawEnds: Int32Array;
  text = "";
  lineStart = 0;
  lineEnd = 0;
  /** how many fields the row has, counted up to the last one read */
  count = 0;
  /** where field 0 starts before trimming, relative to the line start */
  private rowStart = 0;

  constructor(fields: number) {
    this.bounds = new Int32Array(2 * fields);
    this.rawEnds = new Int32Array(fields);
  }

  /** Makes room for fields 0 … last. */
  reserve(last: number): void {
    if (this.rawEnds.length > last) return;
    this.bounds = new Int32Array(2 * (last + 1));
    this.rawEnds = new Int32Array(last + 1);
  }

  startLine(text: string, lineStart: number, lineEnd: number): void {
    this.text = text;
    this.lineStart = lineStart;
    this.lineEnd = lineEnd;
  }

  /**
   * Finds fields first … last, field `first` starting at `from`. Fields past the end of the
   * line read as empty; `count` tells how many the line has.
   */
  read(from: number, first: number, last: number): void {
    const { text, lineStart, lineEnd, bounds, rawEnds } = this;
    if (first === 0) this.rowStart = from - lineStart;
    let start = from;
    let field = first;
    for (; field <= last; field++) {
      // an empty field (`,,`) is common and needs no search
      let end =
        start < lineEnd && text.charCodeAt(start) === COMMA ? start : text.indexOf(",", start);
      if (end < 0 || end > lineEnd) end = lineEnd;
      rawEnds[field] = end - lineStart;
      let trimmedEnd = end;
      while (trimmedEnd > start && isWhitespaceCode(text.charCodeAt(trimmedEnd - 1))) trimmedEnd--;
      bounds[2 * field] = skipWhitespace(text, start, trimmedEnd) - lineStart;
      bounds[2 * field + 1] = trimmedEnd - lineStart;
      if (end === lineEnd) break;
      start = end + 1;
    }
    if (field > last) {
      this.count = last + 1;
      return;
    }
    this.count = field + 1;
    for (field++; field <= last; field++) {
      rawEnds[field] = lineEnd - lineStart;
      bounds[2 * field] = 0;
      bounds[2 * field + 1] = 0;
    }
  }

  start(field: number): number {
    return this.lineStart + (this.bounds[2 * field] ?? 0);
  }

  end(field: number): number {
    return this.lineStart + (this.bounds[2 * field + 1] ?? 0);
  }

  /** Whether a field is empty; a column the header lacks (-1) is. */
  isEmpty(field: number): boolean {
    return field < 0 || this.bounds[2 * field] === this.bounds[2 * field + 1];
  }

  /** A field's trimmed text; "" for a column the header lacks (-1). */
  value(field: number): string {
    return field < 0 ? "" : this.text.slice(this.start(field), this.end(field));
  }

  /** Whether fields 0 … last have no whitespace around them. */
  untrimmed(last: number): boolean {
    let rawStart = this.rowStart;
    for (let field = 0; field <= last; field++) {
      const rawEnd = this.rawEnds[field];
      if (this.bounds[2 * field] !== rawStart || this.bounds[2 * field + 1] !== rawEnd)
        return false;
      rawStart = (rawEnd ?? 0) + 1;
    }
    return true;
  }

  /** Where a field ends before trimming (its comma, or the line end). */
  rawEnd(field: number): number {
    return this.lineStart + (this.rawEnds[field] ?? 0);
  }
}
