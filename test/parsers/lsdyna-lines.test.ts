import { describe, expect, it } from "vitest";
import { ParseError, ServerError } from "../../src/parsers/index.js";
import { lsdynaParser } from "../../src/parsers/lsdyna.js";
import { errorThrownBy } from "./error-thrown.js";

const header = [
  "LICENSE INFORMATION",
  "",
  "PROGRAM          EXPIRATION CPUS  USED   FREE    MAX | QUEUE",
  "---------------- ----------      ----- ------ ------ | -----",
];

const table = [
  ...header,
  "MPPDYNA          06/30/2027          -     16    256 |     2",
  " alice.k      4411@cn101.example.org  128",
  " bob          9120@cn117.example.org   96",
  "                   LICENSE GROUP   224     16    256 |     2",
];

const expected = [
  {
    feature: "MPPDYNA",
    total: 256,
    used: 224,
    reserved: 0,
    queued: 2,
    expires: "06/30/2027",
    uses: [
      { username: "alice.k", host: "cn101.example.org", count: 128 },
      { username: "bob", host: "cn117.example.org", count: 96 },
    ],
  },
];

const thrown = (text: string): unknown => errorThrownBy(() => lsdynaParser.parse(text));

describe("lsdyna parser on odd whitespace", () => {
  it("reads \\r\\n line ends like \\n", () => {
    expect(lsdynaParser.parse(`${table.join("\r\n")}\r\n`).features).toEqual(expected);
  });

  it("splits user lines and rows at tabs and other whitespace as at spaces", () => {
    const odd = table.map((line) =>
      line.replace(/ {2}/g, "\t").replace("4411@", "\u00a04411@").replace("|", "|\u2003"),
    );
    expect(lsdynaParser.parse(odd.join("\n"))).toEqual({
      type: "lsdyna",
      features: expected,
      warnings: [],
    });
  });

  it("keeps a character that is not whitespace inside a name", () => {
    const text = [...header, "SOLO 01/01/2030 1 1 2 | 0", " ann\u200b  12@n1\u200b  1"].join("\n");
    expect(lsdynaParser.parse(text).features[0]?.uses).toEqual([
      { username: "ann\u200b", host: "n1\u200b", count: 1 },
    ]);
  });
});

describe("lsdyna parser on user lines it cannot take", () => {
  it("reads a user line holding '|' as a table row, and rejects it", () => {
    const text = [...table.slice(0, 5), " ann  12@n|1  2"].join("\n");
    expect(thrown(text)).toMatchObject({
      message: expect.stringMatching(/^license table row without USED, FREE and MAX columns/),
      lineNumber: 6,
      lineText: " ann  12@n|1  2",
    });
  });

  it("rejects a count of more than 15 digits instead of rounding it", () => {
    const text = [...table.slice(0, 5), " ann  12@n1  1234567890123456"].join("\n");
    const error = thrown(text);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/^licenses held "1234567890123456" is not a non-negative/),
      lineNumber: 6,
    });
  });

  it("warns about a user line before any program", () => {
    const text = ["LICENSE INFORMATION", " ann  12@n1  2", ...table.slice(4)].join("\n");
    const report = lsdynaParser.parse(text);
    expect(report.features).toEqual(expected);
    expect(report.warnings).toEqual([
      "line 2: not understood in LICENSE INFORMATION:  ann  12@n1  2",
    ]);
  });

  it("reports a server error even after a line it cannot read", () => {
    const text = [...table.slice(0, 5), " ann  12@n1  x", "*** ERROR lost the server"].join("\n");
    expect(thrown(text)).toBeInstanceOf(ServerError);
    expect(thrown(text)).toMatchObject({ lineNumber: 7 });
  });
});

describe("lsdyna parser on programs printed more than once", () => {
  it("counts one shared pool once and separate pools each, keeping every user", () => {
    const text = [
      ...header,
      "A                01/01/2030          -      6     10 |     0",
      " ann  1@n1  3",
      "a                01/01/2030          -      6     10 |     0",
      " bob  2@n2  1",
      "                   LICENSE GROUP     4      6     10 |     0",
      "A                01/01/2030          5      0      5 |     0",
      " cid  3@n3  5",
    ].join("\n");
    expect(lsdynaParser.parse(text).features).toEqual([
      {
        feature: "A",
        total: 15,
        used: 9,
        reserved: 0,
        queued: 0,
        expires: "01/01/2030",
        uses: [
          { username: "ann", host: "n1", count: 3 },
          { username: "bob", host: "n2", count: 1 },
          { username: "cid", host: "n3", count: 5 },
        ],
      },
    ]);
  });

  it("appends later printings' users without touching an earlier parse's report", () => {
    const text = [
      ...header,
      ...Array.from({ length: 5 }, (_, i) => [
        "A                01/01/2030          1      0      1 |     0",
        ` u${i}  1@n${i}  1`,
      ]).flat(),
    ].join("\n");
    const first = lsdynaParser.parse(text);
    const second = lsdynaParser.parse(text);
    const users = ["u0", "u1", "u2", "u3", "u4"];
    expect(first.features[0]?.uses.map((use) => use.username)).toEqual(users);
    expect(second).toEqual(first);
    expect(second.features[0]?.uses).not.toBe(first.features[0]?.uses);
  });

  it("marks a program unlimited once its pools add up to the largest count", () => {
    const text = [
      ...header,
      "A                permanent           1 2147483646 2147483647 |     0",
      "A                permanent           1      1      2 |     0",
    ].join("\n");
    expect(lsdynaParser.parse(text).features).toEqual([
      {
        feature: "A",
        total: 2147483647,
        used: 2,
        reserved: 0,
        queued: 0,
        expires: "permanent",
        uses: [],
        unlimited: true,
      },
    ]);
  });
});
