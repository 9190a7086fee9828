import fc from "fast-check";
import { UNLIMITED_TOTAL, type FeatureUsage, type LicenseUse } from "../../src/parsers/types.js";
import type {
  StatusFeature,
  StatusLease,
  StatusPool,
  StatusReservation,
  StatusSnapshot,
} from "../../src/server-core/status/snapshot.js";

/**
 * Random status snapshots for the RLM, LS-DYNA and LM-X renderers' round trips, and the
 * numbers a parser must read back from their output.
 */

const featureName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/);
const vendorName = fc.constantFrom("acme", "foundry", "sidefx", "ALTAIR");
const userName = fc.stringMatching(/^[a-z][a-z0-9._-]{0,11}$/);
const hostName = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}(\.[a-z0-9-]{1,6}){0,2}$/);
const month = fc.constantFrom(
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
);
const expires = fc.oneof(
  fc.constant("permanent"),
  fc
    .tuple(fc.integer({ min: 1, max: 28 }), month, fc.integer({ min: 2020, max: 2040 }))
    .map(([day, mon, year]) => `${day}-${mon}-${year}`),
);
const instant = fc
  .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

const lease: fc.Arbitrary<StatusLease> = fc.record(
  {
    user: userName,
    host: hostName,
    display: fc.constant("/dev/tty"),
    version: fc.constant("1.0"),
    handle: fc.integer({ min: 1, max: 0xfffff }),
    startedAt: instant,
    count: fc.integer({ min: 1, max: 64 }),
    pid: fc.integer({ min: 1, max: 4_000_000 }),
  },
  { requiredKeys: ["user", "host", "display", "version", "handle", "startedAt", "count"] },
);

const reservation: fc.Arbitrary<StatusReservation> = fc.record({
  kind: fc.constantFrom("USER", "HOST", "GROUP", "PROJECT"),
  name: userName,
  count: fc.integer({ min: 1, max: 5 }),
});

const pool: fc.Arbitrary<StatusPool> = fc.record({
  version: fc.stringMatching(/^\d{1,4}\.\d{1,4}$/),
  expires,
  count: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 5000 }) },
    {
      weight: 1,
      arbitrary: fc.constant("uncounted" as const),
    },
  ),
  reservations: fc.array(reservation, { maxLength: 2 }),
  leases: fc.array(lease, { maxLength: 4 }),
});

const feature: fc.Arbitrary<StatusFeature> = fc.record({
  name: featureName,
  vendor: vendorName,
  pools: fc.array(pool, { minLength: 1, maxLength: 3 }),
});

export const statusSnapshot: fc.Arbitrary<StatusSnapshot> = fc
  .record({
    generatedAt: instant,
    host: hostName,
    port: fc.integer({ min: 1, max: 65535 }),
    features: fc.uniqueArray(feature, {
      maxLength: 6,
      selector: (f) => f.name.toLowerCase(),
    }),
  })
  .map(({ generatedAt, host, port, features }) => ({
    generatedAt,
    server: {
      host,
      port,
      version: "11.19.6",
      licenseFiles: ["/etc/lmkeeper/license.dat"],
      role: "standalone" as const,
      up: true,
    },
    vendors: [...new Set(features.map((f) => f.vendor))].map((name) => ({
      name,
      version: "11.19.6",
      up: true,
    })),
    features,
  }));

export interface ExpectedUsage {
  feature: string;
  total: number;
  used: number;
  reserved: number;
  unlimited: boolean;
  uses: LicenseUse[];
}

/**
 * What a parser must read from a rendered snapshot: used counts leases plus reservations;
 * `keepsReserved` says whether the vendor's format can say how many of them are reservations.
 */
export function expectedUsage(snapshot: StatusSnapshot, keepsReserved: boolean): ExpectedUsage[] {
  return snapshot.features.map((f) => {
    const unlimited = f.pools.some((p) => p.count === "uncounted");
    const counted = f.pools.reduce((sum, p) => sum + (p.count === "uncounted" ? 0 : p.count), 0);
    const leased = f.pools.reduce((sum, p) => sum + p.leases.reduce((s, l) => s + l.count, 0), 0);
    const reserved = f.pools.reduce(
      (sum, p) => sum + p.reservations.reduce((s, r) => s + r.count, 0),
      0,
    );
    return {
      feature: f.name,
      total: unlimited ? UNLIMITED_TOTAL : counted,
      used: leased + reserved,
      reserved: keepsReserved ? reserved : 0,
      unlimited,
      uses: f.pools.flatMap((p) =>
        p.leases.map((l) => ({ username: l.user, host: l.host, count: l.count })),
      ),
    };
  });
}

/** The same projection of a parsed feature, for exact comparison. */
export function projectUsage(usage: FeatureUsage): ExpectedUsage {
  return {
    feature: usage.feature,
    total: usage.total,
    used: usage.used,
    reserved: usage.reserved,
    unlimited: usage.unlimited === true,
    uses: usage.uses,
  };
}

/** Features in name order: vendors group features differently (RLM prints them per ISV). */
export function byName(usages: readonly ExpectedUsage[]): ExpectedUsage[] {
  return [...usages].sort((a, b) => a.feature.toLowerCase().localeCompare(b.feature.toLowerCase()));
}

/**
 * What a parser of a tool that prints neither reservations nor uncounted pools reads (OLicense,
 * DSLS): counted pools summed, reserved seats inside `used`, one use per lease of a counted pool;
 * features with only uncounted pools are absent. Keyed by lower-cased feature name.
 */
export function expectedCountedUsage(
  snapshot: StatusSnapshot,
): Map<string, Omit<ExpectedUsage, "feature" | "reserved" | "unlimited">> {
  const expected = new Map<string, Omit<ExpectedUsage, "feature" | "reserved" | "unlimited">>();
  for (const f of snapshot.features) {
    const counted = f.pools.filter(
      (p): p is StatusPool & { count: number } => p.count !== "uncounted",
    );
    if (counted.length === 0) continue;
    expected.set(f.name.toLowerCase(), {
      total: counted.reduce((sum, p) => sum + p.count, 0),
      used: counted.reduce(
        (sum, p) =>
          sum +
          p.reservations.reduce((n, r) => n + r.count, 0) +
          p.leases.reduce((n, l) => n + l.count, 0),
        0,
      ),
      uses: counted.flatMap((p) =>
        p.leases.map((l) => ({ username: l.user, host: l.host, count: l.count })),
      ),
    });
  }
  return expected;
}
