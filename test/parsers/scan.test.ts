import { describe, expect, it } from "vitest";
import {
  NameCache,
  NextIndex,
  UnusualWhitespace,
  NextMatch,
  hasOnlyPlainWhitespace,
  isWhitespaceCode,
  skipWhitespace,
} from "../../src/parsers/scan.js";

describe("isWhitespaceCode", () => {
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

describe("NameCache", () => {
  it("hands out one string per distinct name, equal to the slice it stands for", () => {
    const text = "kim lee kim kimi lee";
    const names = new NameCache(8);
    const first = names.take(text, 0, 3);
    expect(first).toBe("kim");
    expect(names.take(text, 8, 11)).toBe("kim");
    expect(names.take(text, 12, 16)).toBe("kimi");
    expect(names.take(text, 17, 20)).toBe("lee");
    expect(names.take(text, 4, 7)).toBe("lee");
  });
});
