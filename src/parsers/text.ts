import { ParseError } from "./errors.js";
import { keepClassesWarm } from "./scan.js";

/** Splits tool output into lines, accepting \n, \r\n and a trailing newline. */
export function splitLines(output: string): string[] {
  const lines = output.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Reads a non-negative integer count, or throws a ParseError naming the line.
 * Never yields NaN, a fraction or a negative number.
 */
export function parseCount(
  text: string,
  lineNumber: number,
  lineText: string,
  what = "count",
): number {
  const trimmed = text.trim();
  if (!/^\d{1,15}$/.test(trimmed)) {
    throw new ParseError(
      `${what} "${trimmed}" is not a non-negative integer`,
      lineNumber,
      lineText,
    );
  }
  return Number(trimmed);
}

/**
 * Walks the lines of a tool output in place: `start`/`end` bound the current line (without its
 * `\r\n` or `\n`), `number` is 1-based. Parsers of large outputs use it instead of splitLines,
 * so no string is allocated for a line they only need to classify.
 */
export class LineCursor {
  start = 0;
  end = 0;
  number = 0;
  private nextStart = 0;

  constructor(readonly text: string) {}

  /** Moves to the next line; false after the last one (a trailing newline ends no extra line). */
  advance(): boolean {
    const text = this.text;
    if (this.nextStart >= text.length) return false;
    const start = this.nextStart;
    let newline = text.indexOf("\n", start);
    if (newline < 0) newline = text.length;
    this.start = start;
    this.end =
      newline > start && newline < text.length && text.charCodeAt(newline - 1) === 13
        ? newline - 1
        : newline;
    this.nextStart = newline + 1;
    this.number++;
    return true;
  }

  /** The current line as a string (for messages, and for the rare lines read with a regex). */
  line(): string {
    return this.text.slice(this.start, this.end);
  }
}

// every large parse walks its lines with a LineCursor: keep its compiled code across parses
keepClassesWarm(new LineCursor(""));

/**
 * The line holding `position` (not a line feed), cut as splitLines cuts it: `[start, end)`
 * without its `\r\n` or `\n`. For the few lines a whole-output search lands on.
 */
export function lineAround(
  text: string,
  position: number,
): { start: number; end: number; text: string } {
  const start = text.lastIndexOf("\n", position - 1) + 1;
  const newline = text.indexOf("\n", position);
  let end = newline < 0 ? text.length : newline;
  if (newline > start && text.charCodeAt(newline - 1) === 13) end = newline - 1;
  return { start, end, text: text.slice(start, end) };
}

/** The 1-based number of the line holding `position`: counted only when a message needs it. */
export function lineNumberAt(text: string, position: number): number {
  let number = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < position; i = text.indexOf("\n", i + 1)) {
    number++;
  }
  return number;
}

/**
 * The non-negative integer written in `text[from, to)` (digits only, at most 15), or -1.
 * Allocation-free counterpart of parseCount for hot paths; callers raise the ParseError.
 */
export function readCount(text: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return -1;
    value = value * 10 + (code - 48);
  }
  return value;
}
