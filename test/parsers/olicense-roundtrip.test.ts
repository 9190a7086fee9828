import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerError, olicenseParser } from "../../src/parsers/index.js";
import { renderOlicenseStatus } from "../../src/server-core/status/olicense.js";
import { corrupted, parsesCleanlyOrFailsTyped } from "../generators/text-corruption.js";
import { sampleSnapshot } from "../generators/example-snapshots.js";
import { expectedCountedUsage, statusSnapshot } from "../generators/vendor-snapshot.js";

const FIXTURES = new URL("../../fixtures/olicense/", import.meta.url);

describe("renderOlicenseStatus", () => {
  it("prints olixtool's layout: one License-ID per pool, TABs, FloatsLockedBy with reserved seats", () => {
    const text = renderOlicenseStatus(sampleSnapshot());
    const lines = text.split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "olixtool 4.8.0 - OLicense XML Status Application",
      "",
      "Server: <lic1:27000:0> (Proxy: <>)",
      "",
      "List of requested licenses:",
      "",
    ]);
    expect(lines.filter((line) => line.startsWith("License-ID:"))).toEqual([
      "License-ID:\tacme-1@lic1",
      "License-ID:\tacme-2@lic1",
    ]);
    expect(text).toContain(
      [
        "  solver;              \tFreeFloating;\t10;\t9999-12-31 23:59:59;",
        "    5 FloatsLockedBy:",
        "      alice@node001 #3",
        "      bob@node002 #1",
        "  mesher;              \tFreeFloating;\t4;\t2027-01-01 23:59:59;",
        "",
      ].join("\n"),
    );
    expect(text).toContain("  solver;              \tFreeFloating;\t5;\t2027-12-31 23:59:59;\n");
    expect(text).not.toContain("viewer");
  });

  it("reads back as the snapshot's numbers", () => {
    const report = olicenseParser.parse(renderOlicenseStatus(sampleSnapshot()));
    expect(report.warnings).toEqual([]);
    expect(
      report.features.map(({ feature, total, used, reserved, uses }) => ({
        feature,
        total,
        used,
        reserved,
        uses,
      })),
    ).toEqual([
      {
        feature: "solver",
        total: 15,
        used: 7,
        reserved: 0,
        uses: [
          { username: "alice", host: "node001", count: 3 },
          { username: "bob", host: "node002", count: 1 },
          { username: "carol", host: "node003", count: 2 },
        ],
      },
      { feature: "mesher", total: 4, used: 0, reserved: 0, uses: [] },
    ]);
  });

  it("leaves out the features of a vendor daemon that is down", () => {
    const snapshot = sampleSnapshot();
    snapshot.vendors = [{ name: "acme", version: "0.1.0", up: false }];
    expect(olicenseParser.parse(renderOlicenseStatus(snapshot)).features).toEqual([]);
  });

  it("prints only the features asked for", () => {
    const report = olicenseParser.parse(
      renderOlicenseStatus(sampleSnapshot(), { features: ["MESHER"] }),
    );
    expect(report.features.map((f) => f.feature)).toEqual(["mesher"]);
  });

  it("prints olixtool's connection error for a server that is down", () => {
    expect(() => olicenseParser.parse(renderOlicenseStatus(sampleSnapshot(false)))).toThrow(
      ServerError,
    );
  });
});

describe("olicense properties", () => {
  it("random usage → render → parse gives the same numbers", () => {
    fc.assert(
      fc.property(statusSnapshot, (snapshot) => {
        const report = olicenseParser.parse(renderOlicenseStatus(snapshot));
        expect(report.warnings).toEqual([]);
        const read = new Map(
          report.features.map((f) => [
            f.feature.toLowerCase(),
            { total: f.total, used: f.used, uses: f.uses },
          ]),
        );
        expect(read).toEqual(expectedCountedUsage(snapshot));
        for (const feature of report.features) expect(feature.reserved).toBe(0);
      }),
      { seed: 20261123, numRuns: 200 },
    );
  });

  it("corrupted fixtures give a sane report, a ParseError or a ServerError, nothing else", () => {
    const fixtures = readdirSync(FIXTURES)
      .filter((name) => name.endsWith(".txt"))
      .map((name) => readFileSync(new URL(name, FIXTURES), "utf8"));
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    fc.assert(
      fc.property(corrupted(fixtures), (text) =>
        parsesCleanlyOrFailsTyped((output) => olicenseParser.parse(output), text),
      ),
      { seed: 20261124, numRuns: 200 },
    );
  });
});
