import { describe, expect, it } from "vitest";
import { ServerError, UNLIMITED_TOTAL } from "../../../src/parsers/index.js";
import { rlmParser } from "../../../src/parsers/rlm.js";
import { renderRlmStatus } from "../../../src/server-core/status/rlm.js";
import { twoVendorSnapshot } from "../../generators/example-snapshots.js";

describe("renderRlmStatus", () => {
  const text = renderRlmStatus(twoVendorSnapshot, { startedAt: "2026-11-20T10:00:00Z" });
  const lines = text.split("\n");

  it("prints rlmstat's pool and usage blocks per ISV", () => {
    expect(lines).toContain("\trlm status on lic1 (port 27000), up 02d 04:53:00");
    expect(lines).toContain("\tacme license pool status on lic1 (port 27000)");
    expect(lines).toContain("\tsolver v2026.0, pool: 1");
    expect(lines).toContain("\t\tcount: 10, # reservations: 1, inuse: 4, exp: 31-dec-2026");
    expect(lines).toContain("\t\tcount: uncounted, # reservations: 0, inuse: 1, exp: permanent");
    expect(lines).toContain("\tsolver v2026.0: alice.m@node001 3/0 at 11/22 09:05  (handle: 65)");
    expect(lines).toContain("\tmesh license usage status on lic1 (port 27000)");
  });

  it("leaves out the pool number for rlmutil before v15", () => {
    const v12 = renderRlmStatus(twoVendorSnapshot, { toolVersion: "v12.2" }).split("\n");
    expect(v12).toContain("\tsolver v2026.0");
    expect(v12).toContain("rlmutil v12.2");
  });

  it("is read back by the rlm parser with the snapshot's numbers", () => {
    const report = rlmParser.parse(text);
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "solver",
        total: 12,
        used: 5,
        reserved: 1,
        vendor: "acme",
        uses: [
          { username: "alice.m", host: "node001", count: 3 },
          { username: "bob", host: "node002", count: 1 },
        ],
      },
      {
        feature: "mesher",
        total: UNLIMITED_TOTAL,
        unlimited: true,
        used: 1,
        reserved: 0,
        vendor: "mesh",
        version: "1.0",
        expires: "permanent",
        uses: [{ username: "carol", host: "ws7", count: 1 }],
      },
    ]);
  });

  it("shows a vendor daemon that is down as not running, without its products", () => {
    const snapshot = {
      ...twoVendorSnapshot,
      vendors: [twoVendorSnapshot.vendors[0]!, { name: "mesh", version: "11.19.6", up: false }],
    };
    const rendered = renderRlmStatus(snapshot);
    expect(rendered).toContain("\t   mesh          27000   No       0");
    expect(rlmParser.parse(rendered).features.map((f) => f.feature)).toEqual(["solver"]);
  });

  it("prints rlmutil's connection error for a server that is down", () => {
    const down = { ...twoVendorSnapshot, server: { ...twoVendorSnapshot.server, up: false } };
    const rendered = renderRlmStatus(down);
    expect(rendered).toContain('Error connecting to "rlm" server');
    expect(() => rlmParser.parse(rendered)).toThrow(ServerError);
  });
});
