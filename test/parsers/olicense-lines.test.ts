import { describe, expect, it } from "vitest";
import { ParseError, ServerError, olicenseParser } from "../../src/parsers/index.js";
import { errorThrownBy } from "./error-thrown.js";

/**
 * The parser reads holder, FloatsLockedBy and module-row lines in place and leaves every other
 * line to its patterns; these lines sit on the border between the two and must read exactly as
 * the patterns read them.
 */
const head = [
  "olixtool 4.8.0 - OLicense XML Status Application",
  "==============================================",
  "Application:\tcosin",
  "Modules:",
  "  Name; LicenseType; FloatCount; Expiration",
  "  solver;\tFreeFloating;\t9;\t2027-01-01 23:59:59;",
  "    9 FloatsLockedBy:",
];

const withLine = (line: string): string => [...head, line, ""].join("\n");

function solverAfter(line: string): { uses: unknown[]; warnings: string[] } {
  const report = olicenseParser.parse(withLine(line));
  expect(report.features.map((f) => [f.feature, f.total, f.used])).toEqual([["solver", 9, 9]]);
  return { uses: report.features[0]?.uses ?? [], warnings: report.warnings };
}

describe("olicense holder lines", () => {
  it.each([
    ["a second @ belongs to the user", "      ann@lab@node1 #2", "ann@lab", "node1"],
    ["any whitespace before #", "      ann@node1\u3000#2", "ann", "node1"],
    ["a TAB before #", "      ann@node1\t#2", "ann", "node1"],
    ["spaces around the count", "      ann@node1   #2  ", "ann", "node1"],
    ["a user starting with a digit", "      3d@node1 #2", "3d", "node1"],
    ["a first word with a ;", "  mesher;@node1 #2", "mesher;", "node1"],
    ["non-ASCII names", "      jürgen.weiß@rd0087714 #2", "jürgen.weiß", "rd0087714"],
    ["a host ending in @ (split at the @ before)", "      ann@node1@ #2", "ann", "node1@"],
    ["a word ending in @@", "      ann@lab@@ #2", "ann@lab", "@"],
    ["a run of @ inside", "      ann@@@node1 #2", "ann@@", "node1"],
    [
      "a user of 100,000 @",
      `      a${"@".repeat(100_000)}node1 #2`,
      `a${"@".repeat(99_999)}`,
      "node1",
    ],
    ["a word of 100,000 @", `      a${"@".repeat(100_000)} #2`, `a${"@".repeat(99_998)}`, "@"],
  ])("reads %s", (_why, line, username, host) => {
    expect(solverAfter(line)).toEqual({ uses: [{ username, host, count: 2 }], warnings: [] });
  });

  it.each([
    ["a TAB inside the host", "      ann@node\t1 #2"],
    ["a no-break space inside the user", "      an\u00a0n@node1 #2"],
    ["a line separator inside the host", "      ann@no\u2028de1 #2"],
    ["a word of 300,000 @ and no # (read in linear time)", `      a${"@".repeat(300_000)}b 2`],
  ])("does not understand %s", (_why, line) => {
    expect(solverAfter(line)).toEqual({
      uses: [],
      warnings: [`line 8: not understood: ${line}`],
    });
  });

  it("keeps users apart that share length and end letters", () => {
    const report = olicenseParser.parse(
      [...head, "      axb@h1 #1", "      ayb@h2 #1", "      axb@h3 #1", ""].join("\n"),
    );
    expect(report.features[0]?.uses.map((use) => `${use.username}@${use.host}`)).toEqual([
      "axb@h1",
      "ayb@h2",
      "axb@h3",
    ]);
  });

  it("takes a holder-shaped line starting with Name; and naming FloatCount as a table header", () => {
    expect(solverAfter("      Name;FloatCount@node1 #2")).toEqual({ uses: [], warnings: [] });
  });

  it("never turns an unreadable token count into zero", () => {
    for (const count of ["x", "-1", "1.5", "1234567890123456"]) {
      expect(() => olicenseParser.parse(withLine(`      ann@node1 #${count}`))).toThrow(ParseError);
    }
  });
});

describe("olicense module rows and FloatsLockedBy lines", () => {
  it("reads a row whose fields have unusual whitespace as trim() would", () => {
    const report = olicenseParser.parse(
      [
        ...head.slice(0, 5),
        "\u00a0 mesher\u3000;\u2028x;\ufeff 4\u00a0; 2027-02-02\u2029;",
        "",
      ].join("\n"),
    );
    expect(report.features).toEqual([
      {
        feature: "mesher",
        total: 4,
        used: 0,
        reserved: 0,
        product: "cosin",
        expires: "2027-02-02",
        uses: [],
      },
    ]);
  });

  it("reads a row with fewer fields than the header names, without an expiry", () => {
    const report = olicenseParser.parse([...head.slice(0, 5), "  mesher; x; 4", ""].join("\n"));
    expect(report.features.map((f) => [f.feature, f.total, f.expires])).toEqual([
      ["mesher", 4, undefined],
    ]);
  });

  it("rejects a row of three words ending in FloatsLockedBy: as a row without a count", () => {
    const error = errorThrownBy(() => olicenseParser.parse(withLine("  x;\t9 FloatsLockedBy:")));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toContain("module row needs a name and a FloatCount");
    expect((error as ParseError).lineNumber).toBe(8);
  });

  it("rejects a second FloatsLockedBy line for one module", () => {
    expect(() => olicenseParser.parse(withLine("    1 FloatsLockedBy:"))).toThrow(ParseError);
  });
});

describe("olicense whole outputs", () => {
  it("prefers an OlComm line anywhere to an earlier line it does not understand", () => {
    const error = errorThrownBy(() =>
      olicenseParser.parse("Segmentation fault\r\n\r\n  OlComm 12 broken\r\n"),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).lineNumber).toBe(3);
    expect((error as ServerError).lineText).toBe("  OlComm 12 broken");
  });

  it("starts every parse afresh, also after one that failed", () => {
    const good = withLine("      ann@node1 #2");
    const first = olicenseParser.parse(good);
    expect(() => olicenseParser.parse(withLine("      ann@node1 #x"))).toThrow(ParseError);
    expect(() => olicenseParser.parse("\u3000\n")).toThrow("olixtool output is empty");
    expect(olicenseParser.parse(good)).toEqual(first);
  });
});
