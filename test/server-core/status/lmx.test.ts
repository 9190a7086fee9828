import { describe, expect, it } from "vitest";
import { ServerError, UNLIMITED_TOTAL } from "../../../src/parsers/index.js";
import { lmxParser } from "../../../src/parsers/lmx.js";
import { renderLmxStatus } from "../../../src/server-core/status/lmx.js";
import { twoVendorSnapshot } from "../../generators/example-snapshots.js";

const expectedFeatures = [
  {
    feature: "solver",
    total: 12,
    used: 5,
    reserved: 0,
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
    version: "1.0",
    vendor: "mesh",
    expires: "NONE",
    uses: [{ username: "carol", host: "ws7", count: 1 }],
  },
];

describe("renderLmxStatus, text form", () => {
  const text = renderLmxStatus(twoVendorSnapshot);

  it("prints one feature block per pool, in lmxendutil -licstat's shape", () => {
    const lines = text.split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "LM-X End-user Utility v4.9.3",
      "Copyright (C) 2002-2026 X-Formation. All rights reserved.",
    ]);
    expect(lines).toContain("LM-X License Server on 27000@lic1:");
    expect(lines).toContain("Feature: solver Version: 2026.0 Vendor: acme");
    expect(lines).toContain("Start date: NONE Expire date: 2026-12-31");
    expect(lines).toContain("4 of 10 license(s) used:");
    expect(lines).toContain("3 license(s) used by alice.m@node001 [0.0.0.0]");
    expect(lines).toContain("1 of 2147483647 license(s) used:");
  });

  it("is read back by the lmx parser with the snapshot's numbers", () => {
    expect(lmxParser.parse(text)).toEqual({
      type: "lmx",
      warnings: [],
      features: expectedFeatures,
    });
  });

  it("prints 'no license server(s) available' for a server that is down", () => {
    const down = { ...twoVendorSnapshot, server: { ...twoVendorSnapshot.server, up: false } };
    expect(() => lmxParser.parse(renderLmxStatus(down))).toThrow(ServerError);
  });
});

describe("renderLmxStatus, XML form", () => {
  const xml = renderLmxStatus(twoVendorSnapshot, { xml: true });

  it("prints -licstatxml elements with escaped attributes", () => {
    expect(xml).toContain(
      '<LICENSE_PATH TYPE="NETWORK" HOST="27000@lic1" SERVER_VERSION="11.19.6" STATUS="SUCCESS">',
    );
    expect(xml).toContain(
      '<FEATURE NAME="solver" VERSION="2026.0" VENDOR="acme" START="NONE" END="2026-12-31" USED_LICENSES="4" TOTAL_LICENSES="10" DENIED_LICENSES="0" SHARE="VIRTUAL">',
    );
    const odd = structuredClone(twoVendorSnapshot);
    odd.features[0]!.pools[0]!.leases[0]!.user = 'a&b "c" <d>';
    const rendered = renderLmxStatus(odd, { xml: true });
    expect(rendered).toContain('NAME="a&amp;b &quot;c&quot; &lt;d&gt;"');
    expect(lmxParser.parse(rendered).features[0]!.uses[0]!.username).toBe('a&b "c" <d>');
  });

  it("is read back by the lmx parser with the snapshot's numbers", () => {
    expect(lmxParser.parse(xml)).toEqual({ type: "lmx", warnings: [], features: expectedFeatures });
  });

  it("marks the license path FAILED for a server that is down", () => {
    const down = { ...twoVendorSnapshot, server: { ...twoVendorSnapshot.server, up: false } };
    const rendered = renderLmxStatus(down, { xml: true });
    expect(rendered).toContain('STATUS="FAILED"');
    expect(() => lmxParser.parse(rendered)).toThrow(ServerError);
  });
});
