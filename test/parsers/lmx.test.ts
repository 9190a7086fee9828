import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError, UNLIMITED_TOTAL } from "../../src/parsers/index.js";
import { lmxParser } from "../../src/parsers/lmx.js";
import { errorThrownBy } from "./error-thrown.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/lmx/${name}`, import.meta.url), "utf8");

describe("lmx parser command", () => {
  it("runs lmxendutil -licstat against host and port", () => {
    expect(lmxParser.command({ host: "lmx1", port: 6200 })).toEqual({
      argv: ["lmxendutil", "-licstat", "-host", "lmx1", "-port", "6200"],
    });
  });

  it("lets the binary path replace argv[0]", () => {
    expect(
      lmxParser.command({ host: "lmx1", port: 6200 }, { binary: "/opt/lmx/lmxendutil" }).argv[0],
    ).toBe("/opt/lmx/lmxendutil");
  });
});

describe("lmx parser on text output", () => {
  it("reads counts and every user of each feature", () => {
    expect(lmxParser.parse(fixture("lmx_licstat.txt"))).toEqual({
      type: "lmx",
      warnings: [],
      features: [
        {
          feature: "CatiaV5Reader",
          total: 3,
          used: 0,
          reserved: 0,
          uses: [],
          version: "21.0",
          vendor: "ALTAIR",
          expires: "2023-01-31",
        },
        {
          feature: "GlobalZoneEU",
          total: 1000003,
          used: 40000,
          reserved: 0,
          uses: [
            { username: "VRAAFG", host: "RD0082879", count: 15000 },
            { username: "k.larsen", host: "RD0090112", count: 25000 },
          ],
          version: "21.0",
          vendor: "ALTAIR",
          expires: "2023-01-31",
        },
        {
          feature: "HyperWorks",
          total: 10,
          used: 2,
          reserved: 0,
          uses: [{ username: "mpetit", host: "ws-cae-04", count: 2 }],
          version: "21.0",
          vendor: "ALTAIR",
          expires: "2023-01-31",
        },
      ],
    });
  });

  it("reads v4 variants: Start date NONE, 2147483647 as unlimited, indented lines, two versions summed", () => {
    expect(lmxParser.parse(fixture("lmx_licstat_v4.txt"))).toEqual({
      type: "lmx",
      warnings: [],
      features: [
        {
          feature: "HWUnits",
          total: UNLIMITED_TOTAL,
          unlimited: true,
          used: 58000,
          reserved: 0,
          uses: [
            { username: "jdoe", host: "dcv046.com_ver2023", count: 21000 },
            { username: "a.ng", host: "cn0211", count: 37000 },
          ],
          version: "2023.0",
          vendor: "ALTAIR",
          expires: "2026-06-30",
        },
        {
          feature: "FluxMotor",
          total: 6,
          used: 3,
          reserved: 0,
          uses: [
            { username: "b.ross", host: "ws-em-02", count: 1 },
            { username: "b.ross", host: "ws-em-02", count: 2 },
          ],
          vendor: "ALTAIR",
        },
      ],
    });
  });

  it("reads a server with nothing in use", () => {
    const report = lmxParser.parse(fixture("lmx_no_usage.txt"));
    expect(report.warnings).toEqual([]);
    expect(
      report.features.map((f) => [f.feature, f.total, f.used, f.reserved, f.uses.length]),
    ).toEqual([
      ["OptiStruct", 12, 0, 0, 0],
      ["Radioss", 8, 0, 0, 0],
    ]);
  });

  it("reports 'no license server(s) available' as a ServerError", () => {
    const error = errorThrownBy(() => lmxParser.parse(fixture("lmx_no_server.txt")));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({
      lineNumber: 5,
      lineText: "There are no license server(s) available.",
    });
  });

  it("rejects a feature without its count line", () => {
    const text =
      "LM-X License Server on 6200@h:\nFeature: A Version: 1 Vendor: V\nStart date: NONE Expire date: 2030-01-01\n";
    const error = errorThrownBy(() => lmxParser.parse(text));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ lineNumber: 2 });
  });

  it("rejects empty and foreign output", () => {
    expect(() => lmxParser.parse("")).toThrow(ParseError);
    expect(() => lmxParser.parse("LM-X End-user Utility v3.32\nsomething else\n")).toThrow(
      ParseError,
    );
  });

  it("warns about lines it does not understand inside a feature", () => {
    const text = [
      "LM-X License Server on 6200@h:",
      "Feature: A Version: 1 Vendor: V",
      "1 of 2 license(s) used:",
      "1 license(s) borrowed by x@y",
    ].join("\n");
    const report = lmxParser.parse(text);
    expect(report.features).toEqual([
      { feature: "A", total: 2, used: 1, reserved: 0, uses: [], version: "1", vendor: "V" },
    ]);
    expect(report.warnings).toEqual([
      "line 4: not understood in feature A: 1 license(s) borrowed by x@y",
    ]);
  });
});

describe("lmx parser on -licstatxml output", () => {
  it("strips the banner, reads FEATURE and USER elements and ignores unknown ones", () => {
    expect(lmxParser.parse(fixture("lmx_licstatxml.txt"))).toEqual({
      type: "lmx",
      warnings: [],
      features: [
        {
          feature: "FeatUre",
          total: 1150000,
          used: 655000,
          reserved: 0,
          uses: [
            { username: "user1", host: "client1", count: 21000 },
            { username: "o.brien", host: "client7.cae.example.com", count: 634000 },
          ],
          version: "22.0",
          vendor: "ALTAIR",
          expires: "2025-12-31",
        },
        {
          feature: "HWUnits",
          total: UNLIMITED_TOTAL,
          unlimited: true,
          used: 0,
          reserved: 0,
          uses: [],
          version: "22.0",
          vendor: "ALTAIR",
          expires: "2025-12-31",
        },
        {
          feature: "Radioss",
          total: 24,
          used: 4,
          reserved: 0,
          uses: [{ username: "user1", host: "client1", count: 4 }],
          vendor: "ALTAIR",
        },
      ],
    });
  });

  it("reports a LICENSE_PATH whose STATUS is not SUCCESS as a ServerError", () => {
    const error = errorThrownBy(() => lmxParser.parse(fixture("lmx_licstatxml_failed.txt")));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ lineNumber: 6 });
    expect(String(error)).toContain('STATUS="FAILED"');
  });

  it("keeps the answer of a healthy path and warns about a failed one", () => {
    const text = [
      '<LM-X><LICENSE_PATH HOST="6200@a" STATUS="FAILED"></LICENSE_PATH>',
      '<LICENSE_PATH HOST="6200@b" STATUS="SUCCESS">',
      '<FEATURE NAME="A" USED_LICENSES="1" TOTAL_LICENSES="5"><USER NAME="u&amp;1" HOST="h" USED_LICENSES="1"/></FEATURE>',
      "</LICENSE_PATH></LM-X>",
    ].join("\n");
    const report = lmxParser.parse(text);
    expect(report.features).toEqual([
      {
        feature: "A",
        total: 5,
        used: 1,
        reserved: 0,
        uses: [{ username: "u&1", host: "h", count: 1 }],
      },
    ]);
    expect(report.warnings).toEqual(['line 1: license path 6200@a answered STATUS="FAILED"']);
  });

  it("rejects malformed XML with the line of the fault", () => {
    const cut = fixture("lmx_licstatxml.txt").split("\n").slice(0, 9).join("\n");
    const error = errorThrownBy(() => lmxParser.parse(cut));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ lineNumber: 7 });

    const mismatched =
      '<LM-X>\n<LICENSE_PATH STATUS="SUCCESS">\n<FEATURE NAME="A" USED_LICENSES="1" TOTAL_LICENSES="2">\n</LICENSE_PATH>\n</LM-X>';
    expect(errorThrownBy(() => lmxParser.parse(mismatched))).toMatchObject({
      name: "ParseError",
      lineNumber: 4,
    });

    const unquoted = "<LM-X>\n<FEATURE NAME=A USED_LICENSES=1/>\n</LM-X>";
    expect(errorThrownBy(() => lmxParser.parse(unquoted))).toMatchObject({
      name: "ParseError",
      lineNumber: 2,
    });
  });

  it("rejects a FEATURE without readable counts", () => {
    const text =
      '<LM-X>\n<LICENSE_PATH STATUS="SUCCESS">\n<FEATURE NAME="A" USED_LICENSES="x" TOTAL_LICENSES="2"/>\n</LICENSE_PATH></LM-X>';
    expect(errorThrownBy(() => lmxParser.parse(text))).toMatchObject({
      name: "ParseError",
      lineNumber: 3,
    });
    const missing = '<LM-X>\n<FEATURE NAME="A" USED_LICENSES="1"/>\n</LM-X>';
    expect(errorThrownBy(() => lmxParser.parse(missing))).toMatchObject({
      name: "ParseError",
      lineNumber: 2,
    });
  });
});

describe("lmx parser details", () => {
  it("reads a feature header whose version is empty", () => {
    const text =
      "LM-X License Server on 6200@h:\nFeature: A Version: Vendor: V\n0 of 2 license(s) used\n";
    expect(lmxParser.parse(text).features).toEqual([
      { feature: "A", total: 2, used: 0, reserved: 0, uses: [], vendor: "V" },
    ]);
  });

  it("lists the lines it saw when the output is not lmxendutil's", () => {
    const error = errorThrownBy(() => lmxParser.parse("\nfoo\nbar\n"));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).unparsedLines).toEqual(["2: foo", "3: bar"]);
  });
});

describe("lmx parser on XML without license data", () => {
  it("rejects a document with neither LICENSE_PATH nor FEATURE, naming where the XML starts", () => {
    const text =
      'LM-X End-user Utility v4.9.3\n\n<?xml version="1.0"?>\n<LM-X STAT_VERSION="1.0"></LM-X>\n';
    expect(errorThrownBy(() => lmxParser.parse(text))).toMatchObject({
      name: "ParseError",
      lineNumber: 3,
      lineText: '<?xml version="1.0"?>',
    });
  });
});

describe("lmx parser on text lines off the usual shapes", () => {
  const text = [
    "LM-X License Server on 6200@h:",
    "Feature:  A   Version:  1  Vendor:  V  extra",
    "3 of 9 license(s) used:",
    "1 license(s) used by a@b@c [10.0.0.1]",
    "1 license(s) used by a@b@",
    "1 license(s) used by u@h\t[10.0.0.2]",
    "1 license(s) used by u@h\tx [10.0.0.3]",
    "1 license(s) used by u\u00a0v@h",
    "1 license(s) used by u@h [a]b]",
    "Shared on x",
    "Shared onx",
    "Feature: B Version:Vendor: W",
    "  0 of 2 license(s) used  ",
    "Start date:\tNONE\u00a0Expire date: 2030-01-01 trailing",
  ].join("\n");
  const expected = {
    type: "lmx",
    features: [
      {
        feature: "A",
        total: 9,
        used: 3,
        reserved: 0,
        uses: [
          { username: "a@b", host: "c", count: 1 },
          { username: "a", host: "b@", count: 1 },
          { username: "u", host: "h", count: 1 },
        ],
        version: "1",
        vendor: "V",
      },
      { feature: "B", total: 2, used: 0, reserved: 0, uses: [], expires: "2030-01-01" },
    ],
    warnings: [
      "line 7: not understood in feature A: 1 license(s) used by u@h\tx [10.0.0.3]",
      "line 8: not understood in feature A: 1 license(s) used by u\u00a0v@h",
      "line 9: not understood in feature A: 1 license(s) used by u@h [a]b]",
      "line 11: not understood in feature A: Shared onx",
    ],
  };

  it("splits holders at their last usable @, counts any blank as a separator, keeps the header's words", () => {
    expect(lmxParser.parse(text)).toEqual(expected);
  });

  it("reads \\r\\n line endings the same", () => {
    expect(lmxParser.parse(`${text.replace(/\n/g, "\r\n")}\r\n`)).toEqual(expected);
  });

  it("refuses a holder's count of more than 15 digits, naming its line", () => {
    const long =
      "LM-X License Server on 6200@h:\nFeature: A\n1 of 2 license(s) used:\n1234567890123456 license(s) used by u@h\n";
    const error = errorThrownBy(() => lmxParser.parse(long));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      lineNumber: 4,
      lineText: "1234567890123456 license(s) used by u@h",
    });
  });

  it("sums a later block of a feature holding 200k checkouts (spreading them once overflowed the stack)", () => {
    const checkouts = 200_000;
    const lines = [
      "LM-X License Server on 6200@h:",
      "Feature: A Version: 1 Vendor: V",
      "0 of 1 license(s) used",
      "Feature: A Version: 2 Vendor: V",
      `${checkouts} of ${checkouts} license(s) used:`,
    ];
    for (let i = 0; i < checkouts; i++) lines.push(`1 license(s) used by u${i}@h [0.0.0.0]`);
    const [feature] = lmxParser.parse(lines.join("\n")).features;
    expect(feature?.uses).toHaveLength(checkouts);
    expect(feature).toMatchObject({ total: checkouts + 1, used: checkouts, vendor: "V" });
    expect(feature?.version).toBeUndefined();
  });
});
