import { describe, expect, it } from "vitest";
import { ParseError } from "../../src/parsers/errors.js";
import { scanXmlTags } from "../../src/parsers/lmx-xml.js";

const summary = (text: string): string[] =>
  scanXmlTags(text).map(
    (tag) =>
      `${tag.lineNumber} ${tag.kind === "close" ? "/" : ""}${tag.name}${tag.selfClosing ? "/" : ""} ${JSON.stringify(Object.fromEntries(tag.attributes))}`,
  );

function parseErrorOf(text: string): ParseError {
  try {
    scanXmlTags(text);
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error("expected a ParseError");
}

describe("scanXmlTags", () => {
  it("yields tags with attributes and line numbers, skipping declarations, comments, CDATA and text", () => {
    const text = [
      '<?xml version="1.0"?>',
      "<!DOCTYPE lmx>",
      "<A x='1'  y = \"two words\">",
      "<!-- <B> inside a comment -->",
      "<![CDATA[ <C> ]]> loose text",
      '<D e="&lt;&amp;&gt;&quot;&apos;&#65;&#x42;&bogus;"/>',
      "</A>",
    ].join("\r\n");
    expect(summary(text)).toEqual([
      '3 A {"x":"1","y":"two words"}',
      `6 D/ {"e":"<&>\\"'AB&bogus;"}`,
      "7 /A {}",
    ]);
  });

  it("starts at the given offset, so banner lines before the XML are not read", () => {
    const text = "banner < not xml\n<A/>\n";
    expect(
      scanXmlTags(text, text.indexOf("\n") + 1).map((tag) => [tag.name, tag.lineNumber]),
    ).toEqual([["A", 2]]);
  });

  it("names the line of a closing tag that does not match", () => {
    const error = parseErrorOf("<A>\n<B>\n</A>\n");
    expect(error.lineNumber).toBe(3);
    expect(error.lineText).toBe("</A>");
    expect(error.message).toContain("does not match <B> of line 2");
  });

  it("names the line of an element never closed, without a trailing carriage return", () => {
    const error = parseErrorOf("<A>\r\n<B>\r\n</B>\r\n");
    expect(error).toMatchObject({ lineNumber: 1, lineText: "<A>" });
  });

  it("rejects a closing tag without an opening one, a cut tag, an unquoted value and an unterminated comment", () => {
    expect(parseErrorOf("</A>").lineNumber).toBe(1);
    expect(parseErrorOf('<A>\n<B x="1').lineNumber).toBe(2);
    expect(parseErrorOf("<A x=1/>").message).toContain("not quoted");
    expect(parseErrorOf("<A>\n<!-- never ends").lineNumber).toBe(2);
    expect(parseErrorOf("<A x/>").message).toContain("has no value");
    expect(parseErrorOf("< A/>").message).toContain("without a valid name");
  });
});
