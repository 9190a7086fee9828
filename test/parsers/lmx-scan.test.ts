import { describe, expect, it } from "vitest";
import {
  findServerErrorLine,
  findXmlStartLine,
  isBlankOutput,
  UnusualBlanks,
} from "../../src/parsers/lmx-scan.js";
import { isWhitespaceCode } from "../../src/parsers/scan.js";

describe("isBlankOutput", () => {
  it("makes an output of blanks and line ends blank", () => {
    expect(isBlankOutput("")).toBe(true);
    expect(isBlankOutput(" \r\n\t\u00a0\n\u3000")).toBe(true);
    expect(isBlankOutput("\n\nx\n")).toBe(false);
  });
});

describe("UnusualBlanks", () => {
  it("finds tabs, no-break and wide spaces and lone carriage returns, not the \\r of \\r\\n", () => {
    const text = "a b\r\nc\td\u00a0e\rf\u3000g";
    const blanks = new UnusualBlanks(text);
    expect(blanks.from(0)).toBe(text.indexOf("\t"));
    expect(blanks.from(text.indexOf("\t") + 1)).toBe(text.indexOf("\u00a0"));
    expect(blanks.from(text.indexOf("\u00a0") + 1)).toBe(text.indexOf("e") + 1);
    expect(blanks.from(text.indexOf("f"))).toBe(text.indexOf("\u3000"));
    expect(blanks.from(text.length - 1)).toBe(text.length);
  });

  it("gives the length for an output whose only blanks are spaces and line ends", () => {
    const text = "a b\r\nc d\n";
    expect(new UnusualBlanks(text).from(0)).toBe(text.length);
  });
});

describe("findServerErrorLine", () => {
  it("names the first line saying the server cannot be reached, in any case, after other mentions", () => {
    const text =
      "LM-X License Server on 6200@h:\r\nsomething\r\nERROR: Could not connect to the LICENSE SERVER x\r\n";
    expect(findServerErrorLine(text)).toEqual({
      number: 3,
      start: text.indexOf("ERROR"),
      text: "ERROR: Could not connect to the LICENSE SERVER x",
    });
  });

  it("finds nothing in an answer", () => {
    expect(findServerErrorLine("LM-X License Server on 6200@h:\nFeature: A\n")).toBeUndefined();
  });
});

describe("findXmlStartLine", () => {
  it("finds the line opening the XML after the banner, even indented", () => {
    const text = 'LM-X End-user Utility v4\n\n  <?xml version="1.0"?>\n<LM-X>\n';
    expect(findXmlStartLine(text)).toEqual({
      number: 3,
      start: text.indexOf("  <?xml"),
      text: '  <?xml version="1.0"?>',
    });
  });

  it("ignores a < inside a line and other tags", () => {
    expect(findXmlStartLine("user <x> on <LM-X>\n<HTML>\n<LM-Xtra>\n")).toBeUndefined();
  });
});

describe("UnusualBlanks and isWhitespaceCode together", () => {
  it("find every blank but the space inside a line", () => {
    const missed: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (!isWhitespaceCode(code) || code === 32 || code === 10) continue;
      const text = `ab${String.fromCharCode(code)}cd`;
      if (new UnusualBlanks(text).from(0) !== 2) missed.push(code);
    }
    expect(missed).toEqual([]);
  });
});
