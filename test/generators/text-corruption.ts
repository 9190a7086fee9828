import fc from "fast-check";
import { ParseError, ServerError } from "../../src/parsers/errors.js";
import type { ParsedReport } from "../../src/parsers/types.js";

/**
 * Random damage to a tool's output (lost, doubled or cut lines, stray characters, numbers
 * turned negative, fractional or huge), and the check that a parser either reports clean
 * counts or throws one of its two typed errors.
 */

type Edit = (text: string) => string;

const position = fc.nat({ max: 1_000_000 });
const at = (text: string, n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
const strayText = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    "-",
    "-1",
    "0.5",
    "x",
    "|",
    ":",
    "@",
    "<",
    ">",
    '"',
    "/>",
    "\n",
    "\t",
    "99999999999999999999",
  ),
);

const lineEdit = (change: (lines: string[], index: number) => string[]): fc.Arbitrary<Edit> =>
  position.map((n) => (text: string) => {
    const lines = text.split("\n");
    return change(lines, n % lines.length).join("\n");
  });

const edits: fc.Arbitrary<Edit> = fc.oneof(
  lineEdit((lines, i) => lines.filter((_, j) => j !== i)),
  lineEdit((lines, i) => [...lines.slice(0, i + 1), ...lines.slice(i)]),
  position.map((n) => (text: string) => text.slice(0, at(text, n))),
  fc.tuple(position, strayText).map(([n, s]) => (text: string) => {
    const p = at(text, n);
    return text.slice(0, p) + s + text.slice(p);
  }),
  fc.tuple(position, strayText).map(([n, s]) => (text: string) => {
    const p = at(text, n);
    return text.slice(0, p) + s + text.slice(p + 1);
  }),
  fc
    .tuple(position, fc.constantFrom("-3", "1.5", "1e3", "NaN", "123456789012345678", ""))
    .map(([n, replacement]) => (text: string) => {
      const numbers = [...text.matchAll(/\d+/g)];
      const target = numbers.length === 0 ? undefined : numbers[n % numbers.length];
      if (!target || target.index === undefined) return text;
      return (
        text.slice(0, target.index) + replacement + text.slice(target.index + target[0].length)
      );
    }),
);

/** One fixture with one to four random edits applied. */
export function corrupted(fixtures: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...fixtures), fc.array(edits, { minLength: 1, maxLength: 4 }))
    .map(([text, changes]) => changes.reduce((current, edit) => edit(current), text));
}

const isCount = (n: unknown): boolean => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

/** Runs the parser; true when it gave clean counts or a typed error, false otherwise. */
export function parsesCleanlyOrFailsTyped(
  parse: (text: string) => ParsedReport,
  text: string,
): boolean {
  let report: ParsedReport;
  try {
    report = parse(text);
  } catch (error) {
    if (error instanceof ParseError || error instanceof ServerError) return true;
    throw error;
  }
  return report.features.every(
    (f) =>
      typeof f.feature === "string" &&
      f.feature.length > 0 &&
      isCount(f.total) &&
      isCount(f.used) &&
      isCount(f.reserved) &&
      (f.queued === undefined || isCount(f.queued)) &&
      f.uses.every((u) => isCount(u.count)),
  );
}

/** Separators and words the parsers split lines at, repeated by `stretched`. */
const STRETCH_TOKENS = [
  " ",
  "\t",
  "  x",
  "@",
  "x@",
  "/",
  ":",
  ";",
  ",",
  "(",
  ")",
  "#",
  "=",
  "-",
  "|",
  "[",
  "]",
  "<",
  ">",
  '"',
  "1",
  " 1",
  "), start ",
  "(v",
  "\u2028",
];

/**
 * One fixture with a token repeated tens of thousands of times at a random place, or one of
 * its lines repeated ten thousand times: sizes at which work that is quadratic in a line or
 * in the output shows as a hang.
 */
export function stretched(fixtures: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .tuple(
        fc.constantFrom(...fixtures),
        position,
        position,
        fc.constantFrom(...STRETCH_TOKENS),
        fc.constantFrom(20_000, 60_000),
      )
      .map(([text, n, column, token, times]) => {
        // a line first, then a place in it: short lines are stretched as often as long ones
        const lines = text.split("\n");
        const i = n % lines.length;
        const line = lines[i] ?? "";
        const p = at(line, column);
        lines[i] = line.slice(0, p) + token.repeat(times) + line.slice(p);
        return lines.join("\n");
      }),
    fc.tuple(fc.constantFrom(...fixtures), position).map(([text, n]) => {
      const lines = text.split("\n");
      const i = n % lines.length;
      return [
        ...lines.slice(0, i),
        ...Array<string>(10_000).fill(lines[i] ?? ""),
        ...lines.slice(i),
      ].join("\n");
    }),
  );
}
