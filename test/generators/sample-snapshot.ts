import type { StatusSnapshot } from "../../src/server-core/status/snapshot.js";

/** A small hand-made snapshot: two pools of `solver`, a reservation, an idle and an uncounted feature. */
export function sampleSnapshot(up = true): StatusSnapshot {
  return {
    generatedAt: "2026-11-22T14:53:00.000Z",
    server: {
      host: "lic1",
      port: 27000,
      version: "0.1.0",
      licenseFiles: ["/etc/lmkeeper/license.dat"],
      role: "standalone",
      up,
    },
    vendors: [{ name: "acme", version: "0.1.0", up: true }],
    features: [
      {
        name: "solver",
        vendor: "acme",
        pools: [
          {
            version: "2026.0",
            expires: "permanent",
            count: 10,
            reservations: [{ kind: "GROUP", name: "cfd", count: 1 }],
            leases: [lease("alice", "node001", 3, 101), lease("bob", "node002", 1, 102)],
          },
          {
            version: "2026.0",
            expires: "31-dec-2027",
            count: 5,
            reservations: [],
            leases: [lease("carol", "node003", 2, 103)],
          },
        ],
      },
      {
        name: "mesher",
        vendor: "acme",
        pools: [
          { version: "2026.0", expires: "1-jan-2027", count: 4, reservations: [], leases: [] },
        ],
      },
      {
        name: "viewer",
        vendor: "acme",
        pools: [
          {
            version: "2026.0",
            expires: "permanent",
            count: "uncounted",
            nodeLockedTo: "ID=1234",
            reservations: [],
            leases: [],
          },
        ],
      },
    ],
  };
}

function lease(user: string, host: string, count: number, handle: number) {
  return {
    user,
    host,
    display: "/dev/tty",
    version: "2026.0",
    handle,
    startedAt: "2026-11-22T09:05:00.000Z",
    count,
  };
}
