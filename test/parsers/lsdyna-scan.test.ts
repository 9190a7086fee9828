import { describe, expect, it } from "vitest";
import { isSpace, OddSpaces, ShortSlices } from "../../src/parsers/lsdyna-scan.js";

const everyCodeUnit = Array.from({ length: 0x10000 }, (_, code) => code);

describe("lsdyna in-place scanning", () => {
  it("takes for whitespace exactly what \\s and trim take", () => {
    const differing = everyCodeUnit.filter((code) => {
      const char = String.fromCharCode(code);
      return isSpace(code) !== /\s/.test(char) || isSpace(code) !== (char.trim() === "");
    });
    expect(differing).toEqual([]);
  });

  it("finds every whitespace character but the space and the line feed as odd", () => {
    const odd = everyCodeUnit.filter((code) => {
      const text = `ab${String.fromCharCode(code)}cd`;
      return new OddSpaces(text).firstFrom(0) === 2;
    });
    expect(odd).toEqual(
      everyCodeUnit.filter((code) => isSpace(code) && code !== 32 && code !== 10),
    );
  });

  it("finds the next odd whitespace from any later position", () => {
    const text = "a\tb c\u00a0d\te";
    const odd = new OddSpaces(text);
    expect([0, 2, 3, 6, 8, 9].map((from) => odd.firstFrom(from))).toEqual([1, 5, 5, 7, 9, 9]);
    expect(odd.firstFrom(0)).toBe(1);
  });

  it("hands out equal slices, and only equal ones, as one string", () => {
    const text = "ann bob ann anne bob";
    const slices = new ShortSlices(text);
    const values = [
      [0, 3],
      [4, 7],
      [8, 11],
      [12, 16],
      [17, 20],
    ].map(([from, to]) => slices.slice(from ?? 0, to ?? 0));
    expect(values).toEqual(["ann", "bob", "ann", "anne", "bob"]);
  });
});
