import { describe, expect, it } from "vitest";
import {
  ShortStrings,
  shortHashStep,
  hasAt,
  NextIndex,
  UnusualWhitespace,
  NextMatch,
  hasOnlyPlainWhitespace,
  isBlankText,
  isWhitespaceCode,
  skipWhitespace,
  wordEndAt,
} from "../../src/parsers/scan.js";

describe("isWhitespaceCode", () => {
  it("takes a text of whitespace alone as blank", () => {
    expect(isBlankText(" \r\n\t\u00a0\u3000")).toBe(true);
    expect(isBlankText("")).toBe(true);
    expect(isBlankText(" x ")).toBe(false);
  });

  it("ends a word at the first whitespace of any kind", () => {
    const text = "ab\u2003cd ef";
    expect(wordEndAt(text, 0, text.length)).toBe(2);
    expect(wordEndAt(text, 3, text.length)).toBe(5);
    expect(wordEndAt(text, 6, 7)).toBe(7);
  });

  it("agrees with the regex class \\s on every UTF-16 code unit", () => {
    const disagreeing: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (isWhitespaceCode(code) !== /\s/.test(String.fromCharCode(code))) disagreeing.push(code);
    }
    expect(disagreeing).toEqual([]);
  });

  it("skips what trim would remove, within the given bounds", () => {
    const text = "x \t\u00a0\u3000y  ";
    expect(skipWhitespace(text, 1, text.length)).toBe(text.indexOf("y"));
    expect(skipWhitespace(text, 1, 3)).toBe(3);
    expect(skipWhitespace(text, text.length - 2, text.length)).toBe(text.length);
  });
});

describe("NextIndex", () => {
  it("gives the next occurrence at or after a position, the length when none is left", () => {
    const text = "a@b c@d";
    const search = new NextIndex(text, "@");
    expect(search.at(0)).toBe(1);
    expect(search.at(1)).toBe(1);
    expect(search.at(2)).toBe(5);
    expect(search.at(6)).toBe(text.length);
    expect(search.at(7)).toBe(text.length);
  });

  it("searches again when asked about an earlier position", () => {
    const search = new NextIndex("ab,cd,", ",");
    expect(search.at(3)).toBe(5);
    expect(search.at(0)).toBe(2);
  });
});

describe("NextMatch", () => {
  it("finds the next match of a global pattern in any case, forward and back", () => {
    const text = "x Statistics y STATISTICS";
    const search = new NextMatch(text, /statistics/gi);
    expect(search.at(0)).toBe(2);
    expect(search.at(3)).toBe(15);
    expect(search.at(16)).toBe(text.length);
    expect(search.at(1)).toBe(2);
  });
});

describe("hasOnlyPlainWhitespace", () => {
  it("accepts space, tab and line ends, and refuses every other whitespace", () => {
    expect(hasOnlyPlainWhitespace("a b\tc\r\nd\n")).toBe(true);
    for (const odd of ["\v", "\f", "\u00a0", "\u2003", "\u3000", "\ufeff"]) {
      expect(hasOnlyPlainWhitespace(`a${odd}b`), JSON.stringify(odd)).toBe(false);
    }
  });
});

describe("UnusualWhitespace", () => {
  it("finds tabs, no-break and wide spaces and lone carriage returns, not the \\r of \\r\\n", () => {
    const text = "a b\r\nc\td\u00a0e\rf\u3000g";
    const blanks = new UnusualWhitespace(text);
    expect(blanks.at(0)).toBe(text.indexOf("\t"));
    expect(blanks.at(text.indexOf("\t") + 1)).toBe(text.indexOf("\u00a0"));
    expect(blanks.at(text.indexOf("\u00a0") + 1)).toBe(text.indexOf("e") + 1);
    expect(blanks.at(text.indexOf("f"))).toBe(text.indexOf("\u3000"));
    expect(blanks.at(text.length - 1)).toBe(text.length);
  });

  it("finds the next one from any position, also one before the last asked", () => {
    const text = "a\tb c\u00a0d\te";
    const blanks = new UnusualWhitespace(text);
    expect([0, 2, 3, 6, 8, 9].map((from) => blanks.at(from))).toEqual([1, 5, 5, 7, 9, 9]);
    expect(blanks.at(0)).toBe(1);
  });

  it("gives the length for an output whose only blanks are spaces and line ends", () => {
    const text = "a b\r\nc d\n";
    expect(new UnusualWhitespace(text).at(0)).toBe(text.length);
  });
});

describe("UnusualWhitespace and isWhitespaceCode together", () => {
  it("find every blank but the space inside a line", () => {
    const missed: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (!isWhitespaceCode(code) || code === 32 || code === 10) continue;
      const text = `ab${String.fromCharCode(code)}cd`;
      if (new UnusualWhitespace(text).at(0) !== 2) missed.push(code);
    }
    expect(missed).toEqual([]);
  });
});

describe("ShortStrings", () => {
  it("hands out equal slices, and only equal ones, as one string", () => {
    const text = "ann bob ann anne bob a-name-longer-than-sixteen";
    const strings = new ShortStrings(text);
    const values = [
      [0, 3],
      [4, 7],
      [8, 11],
      [12, 16],
      [17, 20],
      [21, text.length],
    ].map(([from, to]) => strings.slice(from ?? 0, to ?? 0));
    expect(values).toEqual(["ann", "bob", "ann", "anne", "bob", "a-name-longer-than-sixteen"]);
  });
});

describe("hasAt", () => {
  it("answers as startsWith at every position, including ones the literal runs past", () => {
    const text = "  floating license\r\nfloat";
    for (const literal of ["floating license", "float", "f", "", "\r\n", "license\r\nfl"]) {
      for (let at = 0; at <= text.length + 2; at++) {
        expect(hasAt(text, at, literal), `${JSON.stringify(literal)} at ${at}`).toBe(
          text.startsWith(literal, at),
        );
      }
    }
  });
});

describe("ShortStrings.sliceHashed", () => {
  it("hands out one string per repeated short value, equal to the slice, given its hash", () => {
    const text = "permanent 06/30/2027 permanent a-name-longer-than-twelve permanent";
    const slices = new ShortStrings(text);
    const hashOf = (value: string): number =>
      Array.from(value).reduce((hash, char) => shortHashStep(hash, char.charCodeAt(0)), 0);
    const at = (from: number, to: number): string =>
      slices.sliceHashed(from, to, hashOf(text.slice(from, to)));
    const first = at(0, 9);
    expect(first).toBe("permanent");
    expect(at(21, 30)).toBe("permanent");
    expect(at(10, 20)).toBe("06/30/2027");
    expect(at(31, 56)).toBe("a-name-longer-than-twelve");
    expect(at(57, 66)).toBe("permanent");
    expect(slices.slice(0, 9)).toBe("permanent");
  });
});
