import { describe, expect, it } from "vitest";
import { FeatureAccumulator, type PoolInfo } from "../../src/parsers/feature-totals.js";
import { olicenseParser } from "../../src/parsers/index.js";
import type { FeatureUsage } from "../../src/parsers/types.js";

/**
 * The parser sums the rows of a module in a table of its own; these outputs repeat modules in
 * ways where that table could part from FeatureAccumulator's: letter case beyond ASCII, expiries
 * that are or are not dates, a product or an expiry first known from a later license.
 */
interface Row {
  application?: string;
  name: string;
  count: number;
  expires?: string;
  holders?: string[];
}

function output(rows: Row[]): string {
  const lines = ["olixtool 4.8.0"];
  for (const row of rows) {
    lines.push("==============================================");
    if (row.application !== undefined) lines.push(`Application:\t${row.application}`);
    lines.push("Modules:", "  Name; LicenseType; FloatCount; Expiration");
    lines.push(`  ${row.name};\tFreeFloating;\t${row.count};\t${row.expires ?? ""};`);
    if (row.holders !== undefined) {
      lines.push(`    ${row.holders.length} FloatsLockedBy:`);
      for (const holder of row.holders) lines.push(`      ${holder}@node1 #1`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** What FeatureAccumulator makes of the same rows. */
function expected(rows: Row[]): FeatureUsage[] {
  const features = new FeatureAccumulator();
  for (const row of rows) {
    const pool: PoolInfo = { total: row.count, product: row.application };
    if (row.expires) pool.expires = row.expires;
    const feature = features.addPool(row.name, pool);
    for (const holder of row.holders ?? []) {
      feature.used += 1;
      feature.uses.push({ username: holder, host: "node1", count: 1 });
    }
  }
  return features.toFeatures();
}

function parsed(rows: Row[]): FeatureUsage[] {
  return olicenseParser.parse(output(rows)).features;
}

describe("olicense modules repeated across licenses", () => {
  it.each<[string, Row[]]>([
    [
      "names equal as toLowerCase sees them, beyond ASCII too",
      [
        { name: "Émile", count: 1 },
        { name: "ÉMILE", count: 2 },
        { name: "\u212aey", count: 3 },
        { name: "KEY", count: 4 },
        { name: "key", count: 5 },
        { name: "İx", count: 6 },
        { name: "i\u0307x", count: 7 },
      ],
    ],
    [
      "the earlier of two dates, a non-date kept",
      [
        { name: "solver", count: 1, expires: "2027-01-01 23:59:59" },
        { name: "SOLVER", count: 1, expires: "2026-06-30 23:59:59" },
        { name: "solver", count: 1, expires: "2028-01-01" },
        { name: "mesher", count: 1, expires: "permanent" },
        { name: "mesher", count: 1, expires: "2020-01-01" },
        { name: "post", count: 1, expires: "2020-01-01" },
        { name: "post", count: 1, expires: "2020-01-01 00:00" },
        { name: "post", count: 1, expires: "2020-01-0" },
      ],
    ],
    [
      "a product and an expiry first known from a later license, in that order",
      [
        { name: "solver", count: 1 },
        { name: "solver", count: 2, application: "cosin", expires: "2027-01-01" },
        { name: "mesher", count: 1, application: "acme" },
        { name: "mesher", count: 1, application: "other", expires: "2026-01-01" },
      ],
    ],
    [
      "holders of one module from several licenses, in the order printed",
      [
        { name: "solver", count: 3, holders: ["ann", "bob"] },
        { name: "mesher", count: 1, holders: ["cy"] },
        { name: "Solver", count: 2, holders: ["dee"] },
        { name: "solver", count: 2 },
        { name: "SOLVER", count: 2, holders: ["eve", "fay"] },
      ],
    ],
  ])("sums %s as FeatureAccumulator does", (_why, rows) => {
    const features = parsed(rows);
    expect(features).toEqual(expected(rows));
    expect(features.map((feature) => Object.keys(feature))).toEqual(
      expected(rows).map((feature) => Object.keys(feature)),
    );
  });

  it("keeps thousands of modules apart, whatever their names hash to", () => {
    const rows: Row[] = [];
    for (let i = 0; i < 3000; i++) rows.push({ name: `mod_${i % 1500}`, count: i });
    const features = parsed(rows);
    expect(features).toHaveLength(1500);
    expect(features).toEqual(expected(rows));
  });

  it("keeps modules whose names all hash alike apart, and sums each one's rows", () => {
    // the table hashes names as 31·h + c over their lower-cased codes: "an" and "c0" hash alike,
    // and so do all names of the same number of such pieces
    const hash = (name: string): number =>
      [...name.toLowerCase()].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0);
    const names = Array.from({ length: 600 }, (_, n) =>
      Array.from({ length: 10 }, (_, bit) => ((n >> bit) & 1 ? "an" : "c0")).join(""),
    );
    expect(new Set(names.map(hash)).size).toBe(1);
    const rows: Row[] = [
      ...names.map((name, i) => ({ name, count: i, holders: i % 7 === 0 ? ["ann"] : [] })),
      ...names.map((name, i) => ({
        name: name.toUpperCase(),
        count: 1,
        expires: `2027-01-0${1 + (i % 9)}`,
      })),
    ];
    const features = parsed(rows);
    expect(features).toHaveLength(names.length);
    expect(features).toEqual(expected(rows));
  });
});
