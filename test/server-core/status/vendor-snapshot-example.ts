import type { StatusSnapshot } from "../../../src/server-core/status/snapshot.js";

/** A small server: two vendors, a reservation, an uncounted pool and three leases. */
export const exampleSnapshot: StatusSnapshot = {
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
