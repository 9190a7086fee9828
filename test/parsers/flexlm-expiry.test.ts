import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError, UNLIMITED_TOTAL } from "../../src/parsers/index.js";
import { readFlexlmExpiryAt } from "../../src/parsers/flexlm-expiry.js";
import { normaliseFlexlmExpiry, parseLmstatExpiryTable } from "../../src/parsers/flexlm.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/flexlm/${name}`, import.meta.url), "utf8");

describe("lmstat -i expiry table", () => {
  it("reads the Expires-then-Vendor order after the NOTE lines, with year 0 as permanent", () => {
    const rows = parseLmstatExpiryTable(fixture("lmstat_i_app1.txt"));
    expect(rows).toHaveLength(17);
    expect(rows[0]).toEqual({
      feature: "feature1",
      version: "2018.12",
      count: 2,
      expires: "2018-12-31",
      vendor: "vendor1",
    });
    expect(rows[12]).toEqual({
      feature: "feature12",
      version: "2018.12",
      count: 2,
      expires: "2018-09-30",
      vendor: "vendor2",
    });
    expect(rows[15]).toMatchObject({ feature: "feature15", expires: "permanent" });
    expect(rows[16]).toEqual({
      feature: "feature16",
      version: "0.1",
      count: 1,
      expires: "permanent",
      vendor: "vendor2",
    });
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(1015);
  });

  it("reads the Vendor-then-Expires order, with permanent(no expiration date)", () => {
    const rows = parseLmstatExpiryTable(fixture("lmstat_i_app2.txt"));
    expect(rows).toHaveLength(9);
    expect(rows[0]).toEqual({
      feature: "FEATURE_NAME_2_38_05",
      version: "1.1",
      count: 1,
      expires: "2020-06-12",
      vendor: "VENDOR",
    });
    expect(rows[7]).toEqual({
      feature: "feature_name_9",
      version: "15.0",
      count: 2,
      expires: "permanent",
      vendor: "vendor",
    });
    expect(rows[8]).toMatchObject({ expires: "2020-04-30", vendor: "vendor" });
  });

  it("reads an uncounted row as unlimited", () => {
    const rows = parseLmstatExpiryTable(
      "Feature  Version  #licenses  Expires  Vendor\n_______  _______  _________  _______  ______\nviewer  1.0  uncounted  permanent  acme\n",
    );
    expect(rows).toEqual([
      {
        feature: "viewer",
        version: "1.0",
        count: UNLIMITED_TOTAL,
        unlimited: true,
        expires: "permanent",
        vendor: "acme",
      },
    ]);
  });

  it("throws a ParseError naming a bad row", () => {
    const text = `${fixture("lmstat_i_app1.txt")}feature17                       2018.12      2           31-foo-2018  vendor1\n`;
    try {
      parseLmstatExpiryTable(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).lineNumber).toBe(24);
      expect((error as ParseError).message).toContain('expiry "31-foo-2018"');
    }
  });

  it("throws a ParseError without a header and a ServerError when lmutil could not read", () => {
    expect(() => parseLmstatExpiryTable("")).toThrow(ParseError);
    expect(() => parseLmstatExpiryTable("hello\n")).toThrow(/no `Feature/);
    expect(() =>
      parseLmstatExpiryTable(
        'lmstat -i: Cannot find license file. (-1,359:2 "No such file or directory")\n',
      ),
    ).toThrow(ServerError);
  });
});

describe("normaliseFlexlmExpiry", () => {
  it.each([
    ["31-dec-2026", "2026-12-31"],
    ["1-Jan-2099", "2099-01-01"],
    ["1-jan-0", "permanent"],
    ["01-jan-0000", "permanent"],
    ["permanent", "permanent"],
    ["permanent(no expiration date)", "permanent"],
    ["32-jan-2026", undefined],
    ["31-xyz-2026", undefined],
    ["soon", undefined],
  ])("%s → %s", (text, expected) => {
    expect(normaliseFlexlmExpiry(text)).toBe(expected);
  });
});

describe("readFlexlmExpiryAt, the in-place reader of pool header expiries", () => {
  it.each([
    "31-dec-2026",
    "1-jan-0",
    "01-jan-0000",
    "7-feb-99",
    "31-Dec-2026",
    " 5-mar-2026",
    "5-mar-2026 ",
    "32-jan-2026",
    "0-jan-2026",
    "5-xyz-2026",
    "5-mar-12345",
    "123-mar-2026",
    "5-mar-",
    "permanent",
    "permanent(no expiration date)",
    "PERMANENT",
    "",
  ])("%j reads as normaliseFlexlmExpiry does", (expiry) => {
    const text = `, expiry: ${expiry}, x`;
    const from = 10;
    expect(readFlexlmExpiryAt(text, from, from + expiry.length)).toBe(
      normaliseFlexlmExpiry(expiry),
    );
  });
});
