import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError, dslsParser, getParser } from "../../src/parsers/index.js";
import { errorThrownBy } from "./error-thrown.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/dsls/${name}`, import.meta.url), "utf8");

const HEADER =
  "Editor,EditorId,Feature,Model,Commercial Type,Max Release Number,Max Release Date,Pricing Structure," +
  "Max Casual Duration,Expiration Date,Customer ID,Count,Inuse,Tokens,Casual Usage (mn),Host,User," +
  "Internal ID,Active Process,Client Code Version,Session ID,Granted Since,Last Used At,Granted At,Queue Position,";
const LICENSE =
  "Dassault Systemes,5E756A80,CAT,ConcurrentUser,STD,30,2028-06-30 23:59:00,YLC,0,2028-06-30 23:59:00,1";

describe("dsls command", () => {
  it("runs DSLicSrv -admin and feeds connect, getLicenseUsage -csv and quit on stdin", () => {
    expect(dslsParser.command({ host: "dsls01", port: 4085 })).toEqual({
      argv: ["DSLicSrv", "-admin"],
      stdin: "connect dsls01 4085\ngetLicenseUsage -csv\nquit\n",
    });
  });

  it("lets the binary path replace argv[0]", () => {
    expect(
      dslsParser.command({ host: "localhost", port: 1234 }, { binary: "/opt/ds/DSLicSrv" }).argv,
    ).toEqual(["/opt/ds/DSLicSrv", "-admin"]);
  });

  it("is the registered dsls parser", () => {
    expect(getParser("dsls")).toBe(dslsParser);
  });
});

describe("dsls parse: fixtures", () => {
  it("reads one row per session: Count/Inuse once per license, Tokens per session, first word of Host", () => {
    const report = dslsParser.parse(fixture("usage.txt"));
    expect(report.type).toBe("dsls");
    expect(report.warnings).toEqual([]);
    const common = { reserved: 0, vendor: "Dassault Systemes", expires: "2027-01-01 00:59:00" };
    expect(report.features).toEqual([
      { feature: "PAC", total: 1, used: 0, uses: [], ...common },
      {
        feature: "SRU",
        total: 2374,
        used: 1074,
        uses: [
          { username: "user_2", host: "nid001626", count: 493 },
          { username: "user_3", host: "nid001601", count: 533 },
          { username: "anna.k", host: "login02", count: 48 },
        ],
        ...common,
      },
      {
        feature: "ESV",
        total: 40,
        used: 12,
        uses: [{ username: "user_7", host: "nid000412", count: 12 }],
        ...common,
      },
      { feature: "QNA", total: 10, used: 0, uses: [], ...common },
    ]);
  });

  it("finds the header after a warning line and glued to the admin prompt", () => {
    const report = dslsParser.parse(fixture("restricted_glued.txt"));
    expect(report.warnings).toEqual([]);
    expect(
      report.features.map(({ feature, total, used, uses }) => ({ feature, total, used, uses })),
    ).toEqual([
      {
        feature: "PAC",
        total: 1,
        used: 1,
        uses: [{ username: "lee", host: "nid000101", count: 1 }],
      },
      {
        feature: "SRU",
        total: 2374,
        used: 1559,
        uses: [{ username: "user_2", host: "nid001626", count: 1559 }],
      },
    ]);
  });

  it("reads features nobody uses (rows ending after Inuse,)", () => {
    const report = dslsParser.parse(fixture("no_usage.txt"));
    expect(report.features.map((f) => [f.feature, f.total, f.used, f.uses.length])).toEqual([
      ["PAC", 1, 0, 0],
      ["SRU", 2374, 0, 0],
      ["ESV", 40, 0, 0],
    ]);
  });

  it("sums a feature listed under several editors and models", () => {
    const report = dslsParser.parse(fixture("multi_editor.txt"));
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "HPC",
        total: 158,
        used: 18,
        reserved: 0,
        vendor: "Dassault Systemes",
        expires: "2026-12-31 23:59:00",
        uses: [
          { username: "mdupont", host: "ws0042", count: 1 },
          { username: "jmartin", host: "ws0043", count: 1 },
          { username: "sim_batch", host: "nid002001", count: 16 },
        ],
      },
      {
        feature: "SIMULIA_Tokens",
        total: 200,
        used: 25,
        reserved: 0,
        vendor: "Dassault Systemes SIMULIA",
        expires: "2026-12-31 23:59:00",
        uses: [
          { username: "sim_batch", host: "nid002001", count: 20 },
          { username: "sim_batch", host: "nid002002", count: 5 },
        ],
      },
    ]);
  });

  it("turns 'Cannot connect to server' into a ServerError naming the line", () => {
    const error = errorThrownBy(() => dslsParser.parse(fixture("server_down.txt")));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).lineNumber).toBe(2);
    expect((error as ServerError).lineText).toBe(
      "admin >Cannot connect to server localhost on port 1234",
    );
  });
});

describe("dsls parse: bad and odd input", () => {
  it("rejects empty output", () => {
    expect(() => dslsParser.parse("")).toThrow(ParseError);
  });

  it("rejects output without the CSV header, naming the first line not understood", () => {
    const error = errorThrownBy(() =>
      dslsParser.parse(
        "License Administration Tool Version 6.425.4\nadmin >Unknown command: getLicenseUsag\n",
      ),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).lineNumber).toBe(2);
  });

  it("reports a server that is not ready as a ServerError", () => {
    const error = errorThrownBy(() =>
      dslsParser.parse(
        "License Administration Tool Version 6.425.4\nadmin >\tSoftware version: 6.425.4\n    Ready: no\nadmin >\n",
      ),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).lineNumber).toBe(3);
  });

  it("rejects a header without the Count column", () => {
    const error = errorThrownBy(() => dslsParser.parse(`${HEADER.replace(",Count,", ",Cnt,")}\n`));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).lineNumber).toBe(1);
  });

  it("never turns an unreadable count into zero", () => {
    const error = errorThrownBy(() => dslsParser.parse(`${HEADER}\n${LICENSE},ten,0,\n`));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).lineNumber).toBe(2);
  });

  it("keeps lines after the header that are not rows as warnings", () => {
    const report = dslsParser.parse(`${HEADER}\n${LICENSE},10,0,\nsome trailing note\n`);
    expect(report.features).toEqual([
      expect.objectContaining({ feature: "CAT", total: 10, used: 0 }),
    ]);
    expect(report.warnings).toEqual(["line 3: not understood: some trailing note"]);
  });

  it("counts one license for a session of a model that prints no token share", () => {
    const report = dslsParser.parse(
      `${HEADER}\n${LICENSE},10,1,,,ws01 (3.0)/10.0.0.1,kim,CAT,/bin/CNEXT ( 12),6.426,0B1,x,y,z,\n`,
    );
    expect(report.features[0]?.uses).toEqual([{ username: "kim", host: "ws01", count: 1 }]);
  });
});

describe("dsls parse: licenses spread over rows", () => {
  const row = (customer: string, counts: string, session = ""): string =>
    `Dassault Systemes,5E756A80,CAT,Token,STD,30,2028-06-30 23:59:00,YLC,0,2028-06-30 23:59:00,${customer},${counts},${session}`;
  const session = (user: string): string =>
    `2,,ws01 (3.0)/10.0.0.1,${user},CAT,/bin/x ( 1),6.426,0B1,a,b,c,`;

  it("counts each license once, however its rows are spread and spelled", () => {
    const customers = Array.from({ length: 20 }, (_, index) => String(100 + index));
    const lines = [
      HEADER,
      ...customers.map((customer) => row(customer, "10,1", session("a"))),
      // the same licenses again, further down, one spelled with spaces and a leading zero
      ...customers.map((customer) => row(customer, "10,1", session("b"))),
      row(" 105 ", " 010 ,01", session("c")),
    ];
    const report = dslsParser.parse(`${lines.join("\n")}\n`);
    expect(report.warnings).toEqual([]);
    expect(report.features).toHaveLength(1);
    expect(report.features[0]).toMatchObject({ feature: "CAT", total: 200, used: 20 });
    expect(report.features[0]?.uses.map((use) => use.username).join("")).toBe(
      `${"a".repeat(20)}${"b".repeat(20)}c`,
    );
  });

  it("takes the host name up to any whitespace", () => {
    const report = dslsParser.parse(
      `${HEADER}\n${LICENSE},10,2,1,,ws01\t(3.0)/10.0.0.1,kim,\n${LICENSE},10,2,1,, ws02\u00a0(4.0),lee,\n`,
    );
    expect(report.features[0]?.uses.map((use) => use.host)).toEqual(["ws01", "ws02"]);
  });

  it("reads a line holding the header text twice as one header line", () => {
    const report = dslsParser.parse(`admin >${HEADER}admin >${HEADER}\n${LICENSE},10,0,\n`);
    expect(report.features.map((f) => [f.feature, f.total])).toEqual([["CAT", 10]]);
  });

  it("reports a bad header below a bad row, as it did when rows were summed after reading", () => {
    const error = errorThrownBy(() =>
      dslsParser.parse(`${HEADER}\n${LICENSE},ten,0,\n${HEADER.replace(",Inuse,", ",InUse,")}\n`),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).lineNumber).toBe(3);
  });

  it("reads a row holding 'cannot connect to server' as data: the server has answered", () => {
    const report = dslsParser.parse(
      `${HEADER}\n${LICENSE},10,1,1,,ws01,kim,CAT,cannot connect to server x,\n`,
    );
    expect(
      report.features.map(({ feature, total, used, uses }) => ({ feature, total, used, uses })),
    ).toEqual([
      { feature: "CAT", total: 10, used: 1, uses: [{ username: "kim", host: "ws01", count: 1 }] },
    ]);
  });

  it("still reports the server's error printed before the CSV", () => {
    const error = errorThrownBy(() =>
      dslsParser.parse(`admin >Cannot connect to server lic1 on port 4085\n${HEADER}\n`),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).lineNumber).toBe(1);
  });
});
