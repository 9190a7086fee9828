import { describe, expect, it } from "vitest";
import { flexlmParser } from "../../../src/parsers/flexlm.js";
import { renderLmstat } from "../../../src/server-core/status/flexlm.js";
import { renderDslsStatus } from "../../../src/server-core/status/dsls.js";
import { renderStatus, StatusFormatError } from "../../../src/server-core/status/render.js";
import { renderRlmStatus } from "../../../src/server-core/status/rlm.js";
import { a9Snapshot } from "../../generators/example-snapshots.js";

const A9 = `lmutil - Copyright (c) 1989-2026 Flexera. All Rights Reserved.
Flexible License Manager status on Sun 11/22/2026 14:53

License server status: 27000@lic1
    License file(s) on lic1: /etc/lmkeeper/license.dat:

lic1: license server UP (MASTER) v11.19.6

Vendor daemon status (on lic1):

  acme: UP v11.19.6
Feature usage info:

Users of solver:  (Total of 10 licenses issued;  Total of 4 licenses in use)

  "solver" v2026.0, vendor: acme, expiry: 31-dec-2026
  floating license

\t1 RESERVATION for GROUP cfd (lic1/27000)
    alice node001 /dev/tty (v2026.0) (lic1/27000 101), start Sun 11/22 9:05, 3 licenses

`;

describe("renderLmstat", () => {
  it("prints FORMATS.md A9 exactly", () => {
    expect(renderLmstat(a9Snapshot())).toBe(A9);
  });

  it("is read back by the flexlm parser with in-use including the reservation", () => {
    const report = flexlmParser.parse(renderLmstat(a9Snapshot()));
    expect(report).toEqual({
      type: "flexlm",
      warnings: [],
      features: [
        {
          feature: "solver",
          total: 10,
          used: 4,
          reserved: 1,
          queued: 0,
          uses: [{ username: "alice", host: "node001", count: 3 }],
          vendor: "acme",
          version: "2026.0",
          expires: "2026-12-31",
        },
      ],
    });
  });

  it("prints singular forms, unused features, several pools, PIDs, node-locked and uncounted pools", () => {
    const snapshot = a9Snapshot();
    const solver = snapshot.features[0]!;
    solver.pools.push({
      version: "2027.0",
      expires: "permanent",
      count: 1,
      vendorString: "vi=0:at=200",
      nodeLockedTo: "ID=4242",
      reservations: [],
      leases: [
        {
          user: "Mary Ann",
          host: "ws7",
          display: "ws7:0",
          version: "2027.0",
          handle: 7,
          startedAt: "2026-11-20T23:59:00.000Z",
          count: 1,
          pid: 4410,
        },
      ],
    });
    snapshot.features.push(
      {
        name: "post",
        vendor: "acme",
        pools: [{ version: "1", expires: "permanent", count: 1, reservations: [], leases: [] }],
      },
      {
        name: "viewer",
        vendor: "acme",
        pools: [
          {
            version: "3",
            expires: "permanent",
            count: "uncounted",
            reservations: [],
            leases: [
              {
                user: "bob",
                host: "n2",
                display: "/dev/pts/1",
                version: "3",
                handle: 9,
                startedAt: "2026-11-22T10:00:00.000Z",
                count: 1,
              },
            ],
          },
        ],
      },
    );
    const text = renderLmstat(snapshot, {
      now: new Date("2027-01-01T00:07:00Z"),
      licenseSpec: "27000@lic1,27000@lic2,27000@lic3",
    });
    expect(text.split("\n").slice(0, 4)).toEqual([
      "lmutil - Copyright (c) 1989-2027 Flexera. All Rights Reserved.",
      "Flexible License Manager status on Fri 1/1/2027 0:07",
      "",
      "License server status: 27000@lic1,27000@lic2,27000@lic3",
    ]);
    expect(text).toContain(
      "Users of solver:  (Total of 11 licenses issued;  Total of 5 licenses in use)\n",
    );
    expect(text).toContain(
      '  "solver" v2027.0, vendor: acme, expiry: permanent(no expiration date)\n  vendor_string: vi=0:at=200\n  nodelocked license, locked to "ID=4242"\n\n    Mary Ann ws7 ws7:0 (v2027.0) (lic1/27000 7), start Fri 11/20 23:59, PID: 4410\n',
    );
    expect(text).toContain(
      "Users of post:  (Total of 1 license issued;  Total of 0 licenses in use)\n\nUsers of viewer:",
    );
    expect(text).toContain(
      'Users of viewer:  (Uncounted, node-locked)\n\n  "viewer" v3, vendor: acme, expiry: permanent(no expiration date)\n  uncounted nodelocked license locked to NOTHING (hostid=ANY)\n',
    );
    const report = flexlmParser.parse(text);
    expect(report.warnings).toEqual([]);
    expect(
      report.features.map((f) => [f.feature, f.total, f.used, f.reserved, f.uses.length]),
    ).toEqual([
      ["solver", 11, 5, 1, 2],
      ["post", 1, 0, 0, 0],
      ["viewer", 2_147_483_647, 1, 0, 1],
    ]);
    expect(report.features[0]?.uses[1]).toEqual({ username: "Mary Ann", host: "ws7", count: 1 });
  });

  it("prints only the asked features for lmstat -f, case-insensitively", () => {
    const snapshot = a9Snapshot();
    snapshot.features.push({
      name: "post",
      vendor: "acme",
      pools: [{ version: "1", expires: "permanent", count: 2, reservations: [], leases: [] }],
    });
    const text = renderLmstat(snapshot, { features: ["POST"] });
    expect(text).not.toContain("Users of solver");
    expect(
      text.endsWith(
        "Feature usage info:\n\nUsers of post:  (Total of 2 licenses issued;  Total of 0 licenses in use)\n\n",
      ),
    ).toBe(true);
  });

  it("prints a down server and a down vendor daemon so the parser reports a ServerError", () => {
    const down = a9Snapshot();
    down.server.up = false;
    expect(renderLmstat(down)).toContain(
      'lic1: Cannot connect to license server system. (-15,570:111 "Connection refused")',
    );
    expect(() => flexlmParser.parse(renderLmstat(down))).toThrow(/not available/);

    const vendorDown = a9Snapshot();
    vendorDown.vendors[0]!.up = false;
    const text = renderLmstat(vendorDown);
    expect(text).toContain("  acme: The desired vendor daemon is down. (-97,121)\n");
    expect(text).not.toContain("Users of");
    expect(() => flexlmParser.parse(text)).toThrow(/not available/);
  });

  it("prints a backup server without (MASTER) unless it serves in failover", () => {
    const backup = a9Snapshot();
    backup.server.role = "backup";
    expect(renderLmstat(backup)).toContain("\nlic1: license server UP v11.19.6\n");
    backup.server.inFailover = true;
    expect(renderLmstat(backup)).toContain("\nlic1: license server UP (MASTER) v11.19.6\n");
  });
});

describe("renderStatus", () => {
  it("dispatches flexlm to renderLmstat", () => {
    expect(renderStatus("flexlm", a9Snapshot())).toBe(A9);
  });

  it("dispatches every vendor format to its renderer, and names an unknown format", () => {
    const snapshot = a9Snapshot();
    expect(renderStatus("rlm", snapshot)).toBe(renderRlmStatus(snapshot));
    expect(renderStatus("dsls", snapshot)).toBe(renderDslsStatus(snapshot));
    expect(() => renderStatus("sentinel", snapshot)).toThrow(StatusFormatError);
    expect(() => renderStatus("sentinel", snapshot)).toThrow(/unknown status format "sentinel"/);
  });
});
