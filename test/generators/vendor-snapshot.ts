/**
 * Random StatusSnapshots for round-trip tests of the status renderers, and the usage a
 * parser should read back from them.
 */
import fc from "fast-check";
import type { LicenseUse } from "../../src/parsers/index.js";
import type {
  StatusFeature,
  StatusLease,
  StatusPool,
  StatusSnapshot,
} from "../../src/server-core/status/snapshot.js";

const userArb = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/) },
  { weight: 1, arbitrary: fc.constantFrom("jürgen.weiß", "Ørsted", "user_22") },
);
const hostArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5})?$/);

const leaseArb: fc.Arbitrary<StatusLease> = fc.record(
  {
    user: userArb,
    host: hostArb,
    display: fc.constantFrom("/dev/tty", "/dev/pts/3", "node001"),
    version: fc.constantFrom("2026.0", "1.0", "8"),
    handle: fc.integer({ min: 1, max: 99_999 }),
    startedAt: fc.constantFrom("2026-11-22T09:05:00.000Z", "2026-11-21T23:59:59.000Z"),
    count: fc.integer({ min: 1, max: 50 }),
    pid: fc.integer({ min: 1, max: 4_000_000 }),
  },
  { requiredKeys: ["user", "host", "display", "version", "handle", "startedAt", "count"] },
);

const poolArb: fc.Arbitrary<StatusPool> = fc.record({
  version: fc.constantFrom("2026.0", "423", "1.5"),
  expires: fc.constantFrom("permanent", "31-dec-2027", "1-jan-2027", "1-jan-0"),
  count: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 5000 }) },
    { weight: 1, arbitrary: fc.constant("uncounted" as const) },
  ),
  reservations: fc.array(
    fc.record({
      kind: fc.constantFrom("USER" as const, "GROUP" as const, "HOST" as const),
      name: fc.stringMatching(/^[a-z]{1,8}$/),
      count: fc.integer({ min: 1, max: 5 }),
    }),
    { maxLength: 2 },
  ),
  leases: fc.array(leaseArb, { maxLength: 5 }),
});

const VENDORS = ["acme", "cosin", "Dassault Systemes"];

const featureArb = (name: string): fc.Arbitrary<StatusFeature> =>
  fc.record({
    name: fc.constant(name),
    vendor: fc.constantFrom(...VENDORS),
    pools: fc.array(poolArb, { minLength: 1, maxLength: 3 }),
  });

export const snapshotArb: fc.Arbitrary<StatusSnapshot> = fc
  .uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/), {
    selector: (name) => name.toLowerCase(),
    maxLength: 8,
  })
  .chain((names) => fc.tuple(...names.map(featureArb)))
  .map((features) => ({
    generatedAt: "2026-11-22T14:53:00.000Z",
    server: {
      host: "lic1",
      port: 27000,
      version: "0.1.0",
      licenseFiles: ["/etc/lmkeeper/license.dat"],
      role: "standalone" as const,
      up: true,
    },
    vendors: VENDORS.map((name) => ({ name, version: "0.1.0", up: true })),
    features,
  }));

export interface ExpectedUsage {
  total: number;
  used: number;
  uses: LicenseUse[];
}

/**
 * What a parser of a tool without reservations reads: counted pools summed, reserved seats
 * inside `used`, one use per lease; features with only uncounted pools are absent.
 */
export function expectedUsage(snapshot: StatusSnapshot): Map<string, ExpectedUsage> {
  const expected = new Map<string, ExpectedUsage>();
  for (const feature of snapshot.features) {
    const counted = feature.pools.filter(
      (pool): pool is StatusPool & { count: number } => pool.count !== "uncounted",
    );
    if (counted.length === 0) continue;
    expected.set(feature.name.toLowerCase(), {
      total: counted.reduce((sum, pool) => sum + pool.count, 0),
      used: counted.reduce(
        (sum, pool) =>
          sum +
          pool.reservations.reduce((n, r) => n + r.count, 0) +
          pool.leases.reduce((n, lease) => n + lease.count, 0),
        0,
      ),
      uses: counted.flatMap((pool) =>
        pool.leases.map((lease) => ({
          username: lease.user,
          host: lease.host,
          count: lease.count,
        })),
      ),
    });
  }
  return expected;
}
