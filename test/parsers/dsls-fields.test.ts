import { describe, expect, it } from "vitest";
import { afterPrompt, RowFields, wordEnd } from "../../src/parsers/dsls-fields.js";
import { skipWhitespace } from "../../src/parsers/scan.js";

describe("dsls in-place field reading", () => {
  it("skips an admin prompt as /^\\s*admin\\s*>\\s*/ does, and nothing else", () => {
    for (const line of [
      "admin >Editor,",
      " admin> \tEditor,",
      "admin >",
      "admin Editor,",
      "administrator >x",
      "  x",
      "",
      "adm",
    ]) {
      const skipped = line.length - line.replace(/^\s*admin\s*>\s*/, "").length;
      expect(afterPrompt(line, 0, line.length), line).toBe(skipped);
    }
  });

  it("finds trimmed fields, empty ones, and fields past the line end", () => {
    const text = "x\n a , ,b,c\r\nnext";
    const fields = new RowFields(2);
    fields.reserve(5);
    fields.startLine(text, 2, 11);
    fields.read(skipWhitespace(text, 2, 11), 0, 5);
    expect(fields.count).toBe(4);
    expect([0, 1, 2, 3, 4, 5].map((field) => fields.value(field))).toEqual([
      "a",
      "",
      "b",
      "c",
      "",
      "",
    ]);
    expect(fields.isEmpty(1)).toBe(true);
    expect(fields.isEmpty(-1)).toBe(true);
    expect(fields.untrimmed(3)).toBe(false);
  });

  it("ends a host's first word at any whitespace or at the field's comma", () => {
    const text = "h1 (1)/ip,h2\t(2),h3\u00a0x,h4,";
    expect(wordEnd(text, 0)).toBe(2);
    expect(text.slice(10, wordEnd(text, 10))).toBe("h2");
    expect(text.slice(17, wordEnd(text, 17))).toBe("h3");
    expect(text.slice(22, wordEnd(text, 22))).toBe("h4");
  });
});
