import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LineCursor,
  lineAround,
  lineNumberAt,
  readCount,
  splitLines,
} from "../../src/parsers/text.js";

function cursorLines(text: string): { lines: string[]; numbers: number[] } {
  const cursor = new LineCursor(text);
  const lines: string[] = [];
  const numbers: number[] = [];
  while (cursor.advance()) {
    lines.push(cursor.line());
    numbers.push(cursor.number);
  }
  return { lines, numbers };
}

describe("LineCursor", () => {
  it("walks \\n and \\r\\n lines, keeping empty ones and dropping one trailing newline", () => {
    expect(cursorLines("a\r\n\nb  \nc\r\n")).toEqual({
      lines: ["a", "", "b  ", "c"],
      numbers: [1, 2, 3, 4],
    });
    expect(cursorLines("")).toEqual({ lines: [], numbers: [] });
    expect(cursorLines("x\n\n")).toEqual({ lines: ["x", ""], numbers: [1, 2] });
    expect(cursorLines("lone\rcarriage")).toEqual({ lines: ["lone\rcarriage"], numbers: [1] });
  });

  it("yields exactly the lines splitLines yields, for any text", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", " ", "\n", "\r\n", "\r", "é", "\t"), { maxLength: 40 }),
        (parts) => {
          const text = parts.join("");
          expect(cursorLines(text).lines).toEqual(splitLines(text));
        },
      ),
    );
  });
});

describe("readCount", () => {
  it("reads the digits of a range", () => {
    expect(readCount("n = 1234;", 4, 8)).toBe(1234);
    expect(readCount("0", 0, 1)).toBe(0);
    expect(readCount("999999999999999", 0, 15)).toBe(999_999_999_999_999);
  });

  it("refuses empty ranges, signs, blanks, fractions and more than 15 digits", () => {
    for (const text of ["", "-1", " 1", "1.5", "1e3", "1234567890123456", "12a"]) {
      expect(readCount(text, 0, text.length)).toBe(-1);
    }
  });
});

describe("lineAround and lineNumberAt", () => {
  it("cut the line holding a position as splitLines cuts it, and number it", () => {
    const text = "first\r\nsecond line\nthird";
    const second = lineAround(text, text.indexOf("line"));
    expect(second).toEqual({ start: 7, end: 18, text: "second line" });
    expect(lineNumberAt(text, second.start)).toBe(2);
    expect(lineAround(text, 2)).toEqual({ start: 0, end: 5, text: "first" });
    expect(lineAround(text, text.length - 1)).toEqual({ start: 19, end: 24, text: "third" });
    expect(lineNumberAt(text, text.length - 1)).toBe(3);
  });

  it("keep a lone carriage return at the end of the text, as splitLines does", () => {
    expect(lineAround("a\nb\r", 2).text).toBe("b\r");
  });
});
