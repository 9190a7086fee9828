import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  expiryInstant,
  LicenseFileError,
  parseLicenseFile,
} from "../../src/server-core/license-file.js";
import { poolsFromLicenseFiles } from "../../src/server-core/pools.js";
import { ACME_LICENSE } from "./helpers.js";

function parseError(text: string): LicenseFileError {
  try {
    parseLicenseFile(text, "site.lic");
  } catch (error) {
    if (error instanceof LicenseFileError) return error;
    throw error;
  }
  throw new Error("expected a LicenseFileError");
}

describe("license file parser", () => {
  it("reads the demo license: SERVER, VENDOR, USE_SERVER, continuations, quotes and comments", () => {
    const file = parseLicenseFile(readFileSync(ACME_LICENSE, "utf8"), ACME_LICENSE);
    expect(file.servers).toEqual([
      { host: "this_host", hostId: "ANY", port: 27000, lineNumber: 2 },
    ]);
    expect(file.vendors).toEqual([{ name: "acme", port: 27001, lineNumber: 3 }]);
    expect(file.useServer).toBe(true);
    expect(
      file.features.map((f) => [f.kind, f.feature, f.version, f.expires, f.count, f.lineNumber]),
    ).toEqual([
      ["FEATURE", "solver", "2026.0", "31-dec-2030", 10, 6],
      ["INCREMENT", "solver", "2027.0", "31-dec-2030", 5, 10],
      ["FEATURE", "mesher", "2026.0", "permanent", 4, 11],
      ["FEATURE", "post", "2026.0", "permanent", "uncounted", 12],
    ]);
    expect(file.features[0]?.attributes).toEqual({
      VENDOR_STRING: "site=demo",
      ISSUED: "01-jan-2026",
      SIGN: "0A1B 2C3D 4E5F",
    });
    expect(file.features[3]?.attributes["HOSTID"]).toBe("ANY");
  });

  it("splits attributes on the first = only and keeps unquoted values with < > =", () => {
    const file = parseLicenseFile(
      [
        "SERVER this_host ANY",
        "VENDOR cisco",
        "FEATURE LAN_BASE cisco 1.0 permanent uncounted \\",
        "    VENDOR_STRING=<LIC_SOURCE>NEXUS</LIC_SOURCE> \\",
        "    HOSTID=VDH=abc123 \\",
        "    SIGN=xxxx",
      ].join("\n"),
      "cisco.lic",
    );
    expect(file.features[0]?.attributes).toEqual({
      VENDOR_STRING: "<LIC_SOURCE>NEXUS</LIC_SOURCE>",
      HOSTID: "VDH=abc123",
      SIGN: "xxxx",
    });
  });

  it("reads a quoted SIGN continued across lines, year-0 expiry and count 0 as uncounted", () => {
    const file = parseLicenseFile(
      'INCREMENT orbit orbit 1.5 1-jan-0 0 HOSTID=ID=7 SIGN="059A \\\n ADF2 11AA"\n',
      "orbit.lic",
    );
    expect(file.features[0]).toMatchObject({ expires: "permanent", count: "uncounted" });
    expect(file.features[0]?.attributes["SIGN"]).toBe("059A   ADF2 11AA");
  });

  it("turns START= into the instant a pool begins to grant", () => {
    const file = parseLicenseFile(
      "INCREMENT solver acme 1.0 permanent 2 START=01-Feb-2027 SIGN=0\n",
      "s.lic",
    );
    expect(file.features[0]?.attributes["START"]).toBe("1-feb-2027");
    expect(poolsFromLicenseFiles([file]).pools[0]?.startsAt).toBe(Date.UTC(2027, 1, 1));
  });

  it("treats 31-dec-2030 as valid through the end of that day (UTC)", () => {
    expect(expiryInstant("31-dec-2030")).toBe(Date.UTC(2031, 0, 1));
    expect(expiryInstant("permanent")).toBeNull();
  });

  it.each([
    [
      "FEATURE solver acme 1.0 31-dec-2030\n",
      1,
      "needs feature, vendor, version, expiry date and count",
    ],
    ["# c\n\nFEATURE solver acme 1.0 31-foo-2030 4 SIGN=0\n", 3, 'unknown month "foo"'],
    ["VENDOR acme\nFEATURE solver acme 1.0 30-feb-2030 4 SIGN=0\n", 2, "is not a real date"],
    ["FEATURE solver acme 1.0 permanent many SIGN=0\n", 1, 'count "many"'],
    ["FEATURE solver acme one permanent 4 SIGN=0\n", 1, 'version "one"'],
    ["FEATURE post acme 1.0 permanent uncounted SIGN=0\n", 1, "needs a HOSTID"],
    ["VENDOR acme\nLICENCE solver\n", 2, 'unknown line type "LICENCE"'],
    ['FEATURE a acme 1.0 permanent 1 VENDOR_STRING="open\n', 1, "unterminated double quote"],
    ["SERVER lic1 ANY 99999\n", 1, 'port "99999"'],
    [
      "\nINCREMENT s acme 1.0 permanent 2 START=soon SIGN=0\n",
      2,
      'START: date "soon" is not dd-mmm-yyyy',
    ],
  ])("names file and line for bad input %#", (text, line, message) => {
    const error = parseError(text);
    expect(error.file).toBe("site.lic");
    expect(error.lineNumber).toBe(line);
    expect(error.message).toContain("site.lic: ");
    expect(error.message).toContain(message);
    expect(error.message).toContain(`(line ${line}: `);
  });
});

describe("pools from license files", () => {
  it("keeps only the first FEATURE line per feature and adds every INCREMENT as a pool", () => {
    const first = parseLicenseFile(
      [
        "FEATURE solver acme 1.0 permanent 10 SIGN=1",
        "FEATURE solver acme 2.0 permanent 99 SIGN=2",
        "INCREMENT solver acme 1.0 permanent 3 SIGN=3",
      ].join("\n"),
      "a.lic",
    );
    const second = parseLicenseFile("INCREMENT SOLVER acme 3.0 permanent 2 SIGN=4\n", "b.lic");
    const { pools, warnings } = poolsFromLicenseFiles([first, second]);
    expect(pools.map((pool) => [pool.id, pool.version, pool.count])).toEqual([
      ["lic:solver:1", "1.0", 10],
      ["lic:solver:2", "1.0", 3],
      ["lic:solver:3", "3.0", 2],
    ]);
    expect(pools.reduce((sum, pool) => sum + (pool.count as number), 0)).toBe(15);
    expect(warnings).toEqual([
      'a.lic:2: a second FEATURE line for "solver" is ignored (use INCREMENT to add licenses)',
    ]);
  });
});
