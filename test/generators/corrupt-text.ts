/** Random damage to a tool's output, for robustness properties of the parsers. */
import fc from "fast-check";

type Edit = (text: string) => string;

const junkArb = fc.oneof(
  fc.constantFrom(
    "-",
    "NaN",
    "1e3",
    "0x1F",
    "-3",
    "3.5",
    "#",
    "@",
    ";",
    ",",
    ":",
    "\t",
    "\n",
    " ",
    "99999999999999999999",
  ),
  fc.string({ maxLength: 12 }),
);

/** A relative position in [0, 1), uniform: fast-check's usual bias to 0 would keep hitting line 1. */
const positionArb = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(positionArb, junkArb).map(([at, junk]): Edit => (text) => {
    const i = Math.floor(at * text.length);
    return text.slice(0, i) + junk + text.slice(i);
  }),
  fc.tuple(positionArb, fc.integer({ min: 1, max: 40 })).map(([at, length]): Edit => (text) => {
    const i = Math.floor(at * text.length);
    return text.slice(0, i) + text.slice(i + length);
  }),
  fc.tuple(positionArb, junkArb).map(([at, junk]): Edit => (text) => {
    const digits = [...text.matchAll(/\d+/g)];
    const hit = digits[Math.floor(at * digits.length)];
    if (!hit || hit.index === undefined) return text;
    return text.slice(0, hit.index) + junk + text.slice(hit.index + hit[0].length);
  }),
  fc.tuple(positionArb, fc.boolean()).map(([at, duplicate]): Edit => (text) => {
    const lines = text.split("\n");
    const i = Math.floor(at * lines.length);
    if (duplicate) lines.splice(i, 0, lines[i] ?? "");
    else lines.splice(i, 1);
    return lines.join("\n");
  }),
  positionArb.map(
    (at): Edit =>
      (text) =>
        text.slice(0, Math.floor(at * text.length)),
  ),
);

/** The text with one to five random edits applied. */
export function corruptedArb(text: string): fc.Arbitrary<string> {
  return fc
    .array(editArb, { minLength: 1, maxLength: 5 })
    .map((edits) => edits.reduce((current, edit) => edit(current), text));
}
