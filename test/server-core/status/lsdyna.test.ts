import { describe, expect, it } from "vitest";
import { ServerError, UNLIMITED_TOTAL } from "../../../src/parsers/index.js";
import { lsdynaParser } from "../../../src/parsers/lsdyna.js";
import { renderLsdynaStatus } from "../../../src/server-core/status/lsdyna.js";
import { twoVendorSnapshot } from "../../generators/example-snapshots.js";

describe("renderLsdynaStatus", () => {
  it("prints each feature as a program with a license group of its own", () => {
    expect(renderLsdynaStatus(twoVendorSnapshot)).toBe(
      [
        "Using user specified server 27000@lic1",
        "",
        "LICENSE INFORMATION",
        "",
        "PROGRAM          EXPIRATION CPUS  USED   FREE    MAX | QUEUE",
        "---------------- ----------      ----- ------ ------ | -----",
        "solver           12/31/2026          5      7     12 |     0",
        " alice.m        4242@node001  3",
        " bob             102@node002  1",
        "                   LICENSE GROUP     5      7     12 |     0",
        "mesher           permanent           1 2147483646 2147483647 |     0",
        " carol                77@ws7  1",
        "                   LICENSE GROUP     1 2147483646 2147483647 |     0",
        "",
      ].join("\n"),
    );
  });

  it("is read back by the lsdyna parser with the snapshot's numbers", () => {
    const report = lsdynaParser.parse(renderLsdynaStatus(twoVendorSnapshot));
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "solver",
        total: 12,
        used: 5,
        reserved: 0,
        queued: 0,
        expires: "12/31/2026",
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
        queued: 0,
        expires: "permanent",
        uses: [{ username: "carol", host: "ws7", count: 1 }],
      },
    ]);
  });

  it("prints the table without user lines in the -r form", () => {
    const text = renderLsdynaStatus(twoVendorSnapshot, { form: "-r" });
    expect(text).not.toContain("alice.m");
    expect(
      lsdynaParser.parse(text).features.map((f) => [f.feature, f.used, f.uses.length]),
    ).toEqual([
      ["solver", 5, 0],
      ["mesher", 1, 0],
    ]);
  });

  it("prints lstc_qrun's error for a server that is down", () => {
    const down = { ...twoVendorSnapshot, server: { ...twoVendorSnapshot.server, up: false } };
    const rendered = renderLsdynaStatus(down);
    expect(rendered).toBe(
      "Using user specified server 27000@lic1\n\n*** ERROR failed to open server lic1\n",
    );
    expect(() => lsdynaParser.parse(rendered)).toThrow(ServerError);
  });
});
