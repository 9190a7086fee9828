import { describe, expect, it } from "vitest";
import { formatCycleTable, usageFromSnapshot } from "../../src/demo/table.js";
import type { StatusSnapshot } from "../../src/server-core/index.js";

const lease = (user: string, count: number) => ({
  user,
  host: "node001",
  display: "/dev/tty",
  version: "2026.0",
  handle: 1,
  startedAt: "2026-11-23T12:00:00.000Z",
  count,
});

const snapshot: StatusSnapshot = {
  generatedAt: "2026-11-23T12:00:00.000Z",
  server: {
    host: "demo-lic",
    port: 7070,
    version: "0.1.0",
    licenseFiles: [],
    role: "standalone",
    up: true,
  },
  vendors: [{ name: "acme", version: "0.1.0", up: true }],
  features: [
    {
      name: "solver",
      vendor: "acme",
      pools: [
        {
          version: "2026.0",
          expires: "31-dec-2030",
          count: 10,
          reservations: [{ kind: "USER", name: "erin", count: 1 }],
          leases: [lease("alice", 3), lease("bob", 2)],
        },
        {
          version: "2027.0",
          expires: "31-dec-2030",
          count: 5,
          reservations: [],
          leases: [lease("carol", 4)],
        },
      ],
    },
    {
      name: "post",
      vendor: "acme",
      pools: [
        {
          version: "2026.0",
          expires: "permanent",
          count: "uncounted",
          reservations: [],
          leases: [lease("dave", 1)],
        },
      ],
    },
  ],
};

describe("demo table", () => {
  it("sums pools per feature; used counts leases and reservations; uncounted adds no total", () => {
    expect(Object.fromEntries(usageFromSnapshot(snapshot))).toEqual({
      solver: { total: 15, used: 10 },
      post: { total: 0, used: 1 },
    });
  });

  it("prints aligned columns and says which rows the API has caught up with", () => {
    const text = formatCycleTable("cycle 7", [
      { feature: "solver", total: 15, usedOnServer: 10, usedInApi: 10, booked: 2 },
      { feature: "mesher", total: 4, usedOnServer: 3, usedInApi: 1, booked: 0 },
      { feature: "viewer", total: 120, usedOnServer: 0, usedInApi: undefined, booked: 0 },
    ]);
    expect(text).toBe(
      [
        "cycle 7",
        "  feature  total  used on server  used in API  booked",
        "  solver      15              10           10       2  in sync",
        "  mesher       4               3            1       0  catching up",
        "  viewer     120               0            -       0  catching up",
        "",
      ].join("\n"),
    );
  });
});
