import type { FeatureUsage } from "../../src/parsers/types.js";
import type { StatusSnapshot } from "../../src/server-core/status/snapshot.js";

/**
 * Hand-written example StatusSnapshots shared by the renderer, parser round-trip and CLI tests.
 * Each differs from the others on purpose (the output it is checked against), so each keeps a name.
 * The functions return a fresh object each call, as several tests change what they get.
 */

/** The server of FORMATS.md A9: one `solver` pool with a reservation and one lease. */
export function a9Snapshot(): StatusSnapshot {
  return {
    generatedAt: "2026-11-22T14:53:10.000Z",
    server: {
      host: "lic1",
      port: 27000,
      version: "11.19.6",
      licenseFiles: ["/etc/lmkeeper/license.dat"],
      role: "standalone",
      up: true,
    },
    vendors: [{ name: "acme", version: "11.19.6", up: true }],
    features: [
      {
        name: "solver",
        vendor: "acme",
        pools: [
          {
            version: "2026.0",
            expires: "31-dec-2026",
            count: 10,
            reservations: [{ kind: "GROUP", name: "cfd", count: 1 }],
            leases: [
              {
                user: "alice",
                host: "node001",
                display: "/dev/tty",
                version: "2026.0",
                handle: 101,
                startedAt: "2026-11-22T09:05:00.000Z",
                count: 3,
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A9 plus a second lease (a user name with a space, and a PID) and an idle `mesher` feature. */
export function a9WithIdleFeatureSnapshot(): StatusSnapshot {
  const snapshot = a9Snapshot();
  snapshot.features[0]!.pools[0]!.leases.push({
    user: "Bo Li",
    host: "node002",
    display: "/dev/pts/4",
    version: "2026.0",
    handle: 102,
    startedAt: "2026-11-22T10:15:00.000Z",
    count: 2,
    pid: 777,
  });
  snapshot.features.push({
    name: "mesher",
    vendor: "acme",
    pools: [{ version: "1.0", expires: "permanent", count: 4, reservations: [], leases: [] }],
  });
  return snapshot;
}

/** A small server: two vendors, a reservation, an uncounted pool and three leases. */
export const twoVendorSnapshot: StatusSnapshot = {
  generatedAt: "2026-11-22T14:53:00.000Z",
  server: {
    host: "lic1",
    port: 27000,
    version: "11.19.6",
    licenseFiles: ["/etc/lmkeeper/license.dat"],
    role: "standalone",
    up: true,
  },
  vendors: [
    { name: "acme", version: "11.19.6", up: true },
    { name: "mesh", version: "11.19.6", up: true },
  ],
  features: [
    {
      name: "solver",
      vendor: "acme",
      pools: [
        {
          version: "2026.0",
          expires: "31-dec-2026",
          count: 10,
          reservations: [{ kind: "GROUP", name: "cfd", count: 1 }],
          leases: [
            {
              user: "alice.m",
              host: "node001",
              display: "/dev/tty",
              version: "2026.0",
              handle: 101,
              startedAt: "2026-11-22T09:05:00.000Z",
              count: 3,
              pid: 4242,
            },
          ],
        },
        {
          version: "2025.0",
          expires: "permanent",
          count: 2,
          reservations: [],
          leases: [
            {
              user: "bob",
              host: "node002",
              display: "/dev/tty",
              version: "2025.0",
              handle: 102,
              startedAt: "2026-11-22T10:30:00.000Z",
              count: 1,
            },
          ],
        },
      ],
    },
    {
      name: "mesher",
      vendor: "mesh",
      pools: [
        {
          version: "1.0",
          expires: "permanent",
          count: "uncounted",
          reservations: [],
          leases: [
            {
              user: "carol",
              host: "ws7",
              display: "ws7:0",
              version: "1.0",
              handle: 7,
              startedAt: "2026-11-22T11:00:00.000Z",
              count: 1,
              pid: 77,
            },
          ],
        },
      ],
    },
  ],
};

/** Two pools of `solver`, a reservation, an idle and an uncounted feature; `up` sets the server's state. */
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

/** A parsed feature's numbers and holders, the fields the read-back tests compare. */
export function usageNumbers({ feature, total, used, reserved, uses }: FeatureUsage) {
  return { feature, total, used, reserved, uses };
}

/**
 * What a tool that prints neither reservations nor uncounted pools (DSLS, OLicense) reads from
 * sampleSnapshot(), as usageNumbers gives it: both solver pools summed, the reserved seat in used.
 */
export const sampleSnapshotCountedUsage = [
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
];

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
