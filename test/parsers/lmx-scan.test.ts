import { describe, expect, it } from "vitest";
import { findServerErrorLine, findXmlStartLine } from "../../src/parsers/lmx-scan.js";

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
