import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError, getParser, olicenseParser } from "../../src/parsers/index.js";
import { errorThrownBy } from "./error-thrown.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/olicense/${name}`, import.meta.url), "utf8");

describe("olicense command", () => {
  it("runs olixtool -sv HOST:PORT", () => {
    expect(olicenseParser.command({ host: "lic-olic", port: 31212 })).toEqual({
      argv: ["olixtool", "-sv", "lic-olic:31212"],
    });
  });

  it("lets the binary path replace argv[0]", () => {
    expect(
      olicenseParser.command(
        { host: "127.0.0.1", port: 2345 },
        { binary: "/opt/olicense/olixtool" },
      ),
    ).toEqual({ argv: ["/opt/olicense/olixtool", "-sv", "127.0.0.1:2345"] });
  });

  it("is the registered olicense parser", () => {
    expect(getParser("olicense")).toBe(olicenseParser);
  });
});

describe("olicense parse: fixtures", () => {
  it("reads modules, TAB separators, UTF-8 names and every lock holder", () => {
    const report = olicenseParser.parse(fixture("usage.txt"));
    expect(report.type).toBe("olicense");
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "ftire_adams",
        total: 3,
        used: 3,
        reserved: 0,
        product: "cosin",
        expires: "2027-12-31 23:59:59",
        uses: [
          { username: "sbhyma", host: "RD0087712", count: 1 },
          { username: "user22", host: "RD0087713", count: 1 },
          { username: "jürgen.weiß", host: "rd0087714.cluster.local", count: 1 },
        ],
      },
      {
        feature: "ftire_sim",
        total: 5,
        used: 2,
        reserved: 0,
        product: "cosin",
        expires: "2027-12-31 23:59:59",
        uses: [{ username: "sbhyma", host: "RD0087712", count: 2 }],
      },
      {
        feature: "ftire_tools",
        total: 2,
        used: 0,
        reserved: 0,
        product: "cosin",
        expires: "2027-12-31 23:59:59",
        uses: [],
      },
      {
        feature: "wave_solver",
        total: 10,
        used: 6,
        reserved: 0,
        product: "ricardo",
        expires: "2026-06-30 23:59:59",
        uses: [
          { username: "novak", host: "node001", count: 4 },
          { username: "dvorak", host: "node017", count: 2 },
        ],
      },
      {
        feature: "wave_post",
        total: 4,
        used: 1,
        reserved: 0,
        product: "ricardo",
        expires: "2026-06-30 23:59:59",
        uses: [{ username: "novak", host: "login01", count: 1 }],
      },
    ]);
  });

  it("sums a module across License-IDs, case-insensitively, keeping every use", () => {
    const report = olicenseParser.parse(fixture("multi_license.txt"));
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "ftire_adams",
        total: 10,
        used: 6,
        reserved: 0,
        product: "cosin",
        expires: "2026-03-31 23:59:59",
        uses: [
          { username: "martin", host: "cn0101", count: 1 },
          { username: "dubois", host: "cn0102", count: 1 },
          { username: "lefevre", host: "cn0207", count: 2 },
          { username: "martin", host: "cn0101", count: 1 },
          { username: "moreau", host: "cn0311", count: 1 },
        ],
      },
      {
        feature: "ftire_sim",
        total: 3,
        used: 1,
        reserved: 0,
        product: "cosin",
        expires: "2026-03-31 23:59:59",
        uses: [{ username: "moreau", host: "cn0311", count: 1 }],
      },
    ]);
  });

  it("reports modules nobody uses with used 0", () => {
    const report = olicenseParser.parse(fixture("no_usage.txt"));
    expect(report.features.map((f) => [f.feature, f.total, f.used, f.uses.length])).toEqual([
      ["ftire_adams", 3, 0, 0],
      ["ftire_sim", 5, 0, 0],
      ["ftire_tools", 2, 0, 0],
    ]);
  });

  it("turns OlComm 454 into a ServerError naming the line", () => {
    const error = errorThrownBy(() => olicenseParser.parse(fixture("server_down.txt")));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).lineNumber).toBe(6);
    expect((error as ServerError).lineText).toBe("OlComm 454 Request cannot connect to target");
  });
});

describe("olicense parse: bad and odd input", () => {
  const header = [
    "olixtool 4.8.0 - OLicense XML Status Application",
    "",
    "List of requested licenses:",
    "==============================================",
    "Application:\tcosin",
    "License-ID:\tcosin-1@x",
    "Modules:",
    "  Name; LicenseType; FloatCount; Expiration",
  ];

  it("rejects empty output", () => {
    expect(() => olicenseParser.parse("")).toThrow(ParseError);
    expect(() => olicenseParser.parse("\n \n")).toThrow(ParseError);
  });

  it("rejects output that is not olixtool's, naming the first line", () => {
    const error = errorThrownBy(() => olicenseParser.parse("Segmentation fault\n"));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).lineNumber).toBe(1);
  });

  it("keeps unknown lines inside a block as warnings with their line number", () => {
    const report = olicenseParser.parse(
      [
        ...header,
        "  solver;\tFreeFloating;\t4;\t2027-01-01 00:00:00;",
        "  something new here",
        "",
      ].join("\n"),
    );
    expect(report.features).toEqual([
      expect.objectContaining({ feature: "solver", total: 4, used: 0 }),
    ]);
    expect(report.warnings).toEqual(["line 10: not understood:   something new here"]);
  });

  it("never turns an unreadable count into zero", () => {
    const error = errorThrownBy(() =>
      olicenseParser.parse([...header, "  solver;\tFreeFloating;\tmany;\t2027-01-01;"].join("\n")),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).lineNumber).toBe(9);
  });

  it("rejects lock lines that belong to no module", () => {
    expect(() => olicenseParser.parse([...header, "    2 FloatsLockedBy:"].join("\n"))).toThrow(
      ParseError,
    );
    expect(() => olicenseParser.parse([...header, "      bob@node1 #1"].join("\n"))).toThrow(
      ParseError,
    );
  });

  it("reads module fields where the table header puts them", () => {
    const report = olicenseParser.parse(
      [
        ...header.slice(0, 7),
        "  Name; FloatCount; LicenseType; Expiration",
        "  solver;\t12;\tFreeFloating;\t2027-01-01 00:00:00;",
        "    1 FloatsLockedBy:",
        "      kim@node9 #1",
      ].join("\n"),
    );
    expect(report.features).toEqual([
      {
        feature: "solver",
        total: 12,
        used: 1,
        reserved: 0,
        product: "cosin",
        expires: "2027-01-01 00:00:00",
        uses: [{ username: "kim", host: "node9", count: 1 }],
      },
    ]);
  });

  it("accepts CRLF line ends", () => {
    const report = olicenseParser.parse(fixture("usage.txt").replace(/\n/g, "\r\n"));
    expect(report.features.map((f) => f.used)).toEqual([3, 2, 0, 6, 1]);
  });
});
