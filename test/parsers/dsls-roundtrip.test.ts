import { describe, expect, it } from "vitest";
import { ServerError, dslsParser } from "../../src/parsers/index.js";
import { renderDslsStatus } from "../../src/server-core/status/dsls.js";
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

describe("renderDslsStatus", () => {
  it("prints DSLicSrv's session: connect report, CSV glued to the prompt, one row per lease", () => {
    const lines = renderDslsStatus(sampleSnapshot()).split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "License Administration Tool Version 0.1.0.",
      "admin >\tSoftware version: 0.1.0",
      "    Standalone mode",
      "    Ready: yes",
      "    Server name: lic1   Server id: LMK-27000",
    ]);
    expect(lines[5]).toMatch(/^admin >Editor,EditorId,Feature,Model,.*,Queue Position,$/);
    const rows = lines.slice(6);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatch(
      /^acme,[0-9A-F]{8},solver,Token,STD,2026\.0,9999-12-31 23:59:00,YLC,0,9999-12-31 23:59:00,10000001,10,5,3,,node001 \(101\.0\)\/node001,alice,solver,\/dev\/tty \( 101\),2026\.0,0000065,2026-11-22 09:05:00,2026-11-22 14:53:00,2026-11-22 09:05:00,$/,
    );
    expect(rows[2]).toMatch(/,solver,Token,.*,10000002,5,2,2,,node003 /);
    expect(rows[3]).toMatch(
      /^acme,[0-9A-F]{8},mesher,Token,STD,2026\.0,2027-01-01 23:59:00,YLC,0,2027-01-01 23:59:00,10000001,4,0,$/,
    );
    expect(rows.slice(4)).toEqual(["admin >", ""]);
  });

  it("reads back as the snapshot's numbers", () => {
    const report = dslsParser.parse(renderDslsStatus(sampleSnapshot()));
    expect(report.warnings).toEqual([]);
    expect(report.features.map(usageNumbers)).toEqual(sampleSnapshotCountedUsage);
  });

  it("leaves out the features of a vendor daemon that is down", () => {
    const snapshot = sampleSnapshot();
    snapshot.vendors = [{ name: "acme", version: "0.1.0", up: false }];
    expect(dslsParser.parse(renderDslsStatus(snapshot)).features).toEqual([]);
  });

  it("prints only the features asked for", () => {
    const report = dslsParser.parse(renderDslsStatus(sampleSnapshot(), { features: ["Solver"] }));
    expect(report.features.map((f) => f.feature)).toEqual(["solver"]);
  });

  it("prints DSLicSrv's connection error for a server that is down", () => {
    const text = renderDslsStatus(sampleSnapshot(false));
    expect(text).toBe(
      "License Administration Tool Version 0.1.0.\nadmin >Cannot connect to server lic1 on port 27000\nadmin >\n",
    );
    expect(() => dslsParser.parse(text)).toThrow(ServerError);
  });
});

describe("dsls properties", () => {
  it("random usage → render → parse gives the same numbers", () => {
    assertCountedUsageRoundTrip(renderDslsStatus, (text) => dslsParser.parse(text));
  });

  it("corrupted fixtures give a sane report, a ParseError or a ServerError, nothing else", () => {
    const fixtures = vendorFixtures("dsls", ".txt");
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    assertDamagedFixturesParseOrFailTyped(fixtures, (output) => dslsParser.parse(output), {
      seed: 20261124,
      numRuns: 200,
    });
  });
});
