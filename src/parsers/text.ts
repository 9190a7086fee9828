import { ParseError } from "./errors.js";

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
export function parseCount(text: string, lineNumber: number, lineText: string, what = "count"): number {
  const trimmed = text.trim();
  if (!/^\d{1,15}$/.test(trimmed)) {
    throw new ParseError(`${what} "${trimmed}" is not a non-negative integer`, lineNumber, lineText);
  }
  return Number(trimmed);
}
