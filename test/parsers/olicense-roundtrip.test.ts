import { describe, expect, it } from "vitest";
import { ServerError, olicenseParser } from "../../src/parsers/index.js";
import { renderOlicenseStatus } from "../../src/server-core/status/olicense.js";
import {
  sampleSnapshot,
  sampleSnapshotCountedUsage,
  usageNumbers,
} from "../generators/example-snapshots.js";
import {
  assertCountedUsageRoundTrip,
  assertDamagedFixturesParseOrFailTyped,
  vendorFixtures,
} from "../generators/parser-properties.js";

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
    expect(report.features.map(usageNumbers)).toEqual(sampleSnapshotCountedUsage);
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
    assertCountedUsageRoundTrip(renderOlicenseStatus, (text) => olicenseParser.parse(text));
  });

  it("corrupted fixtures give a sane report, a ParseError or a ServerError, nothing else", () => {
    const fixtures = vendorFixtures("olicense", ".txt");
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    assertDamagedFixturesParseOrFailTyped(fixtures, (output) => olicenseParser.parse(output), {
      seed: 20261124,
      numRuns: 200,
    });
  });
});
