import { describe, expect, it } from "vitest";
import type { Lease, Pool } from "../../src/server-core/engine.js";
import { buildLicenseList, renderLicenseList } from "../../src/server-core/list-licenses.js";

const base = {
  vendor: "acme",
  expiresAt: null,
  source: { kind: "license-file", file: "a.lic", line: 1 },
} as const;
const pools: Pool[] = [
  {
    ...base,
    id: "lic:solver:1",
    feature: "solver",
    version: "2026.0",
    expires: "31-dec-2030",
    count: 10,
  },
  {
    ...base,
    id: "lic:post:1",
    feature: "post",
    version: "2026.0",
    expires: "permanent",
    count: "uncounted",
  },
  {
    ...base,
    id: "act:1234",
    feature: "session",
    version: "1.0",
    expires: "permanent",
    count: 5,
    source: { kind: "activation", code: "1234" },
  },
];

function lease(poolId: string, feature: string, count: number, deviceId: string): Lease {
  return {
    id: `${poolId}${deviceId}`,
    poolId,
    feature,
    version: "0",
    count,
    user: "u",
    host: deviceId,
    display: "",
    deviceId,
    handle: 1,
    startedAt: 0,
    lastSeenAt: 0,
    expiresAt: 1,
  };
}

describe("list-licenses", () => {
  it("counts use per pool and per device and prints the table", () => {
    const list = buildLicenseList(pools, [
      lease("lic:solver:1", "solver", 3, "node001"),
      lease("lic:post:1", "post", 1, "node001"),
      lease("act:1234", "session", 2, "agent-7"),
    ]);
    expect(
      list.features.map((entry) => [entry.feature, entry.used, entry.available, entry.source]),
    ).toEqual([
      ["solver", 3, 7, "license file"],
      ["post", 1, null, "license file"],
      ["session", 2, 3, "activation 1234"],
    ]);
    expect(renderLicenseList(list)).toBe(
      [
        "",
        "=====",
        "Feature ID  Feature Name  Feature Version  Expiration   Used/Count   Available",
        "=====",
        "1           solver        2026.0           31-dec-2030  3/10         7",
        "2           post          2026.0           permanent    1/uncounted  uncounted",
        "3           session       1.0              permanent    2/5          3",
        "=====",
        "",
        "Device Information:",
        "",
        "-----",
        "Device Name           Feature Registered(Used Count)",
        "-----",
        "agent-7               session(2)",
        "node001               solver(3), post(1)",
        "=====",
        "",
        "Total feature count      : 15",
        "Total feature count used : 5",
        "Total uncounted features : 1",
        "=====",
        "",
      ].join("\n"),
    );
  });
});
