/**
 * Seeded random license-server states for property tests and the parser benchmark, and the
 * usage a correct lmstat parser must read back from them once rendered.
 */
import type { FeatureUsage, LicenseUse } from "../../src/parsers/types.js";
import { UNLIMITED_TOTAL } from "../../src/parsers/types.js";
import type {
  ReservationKind,
  StatusFeature,
  StatusLease,
  StatusPool,
  StatusReservation,
  StatusSnapshot,
} from "../../src/server-core/status/snapshot.js";

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface UsageGeneratorOptions {
  seed: number;
  features: number;
  /** checkouts across all features (spread at random) */
  leases: number;
  /** two vendors, some feature names served by both */
  vendors?: 1 | 2;
  /** longer host and display names, as on large sites (benchmark) */
  longNames?: boolean;
}

// No word is a prefix of another, so a user name never looks like `host display`.
const GIVEN = [
  "alice",
  "Bob",
  "carol",
  "dmitri",
  "Émile",
  "fatima",
  "gus",
  "hiro",
  "o'brien",
  "j.doe",
];
const FAMILY = ["Van", "der", "Berg", "Lopez", "Nguyen", "Müller", "Okafor", "Smith"];
const RESERVATION_KINDS: ReservationKind[] = [
  "USER",
  "HOST",
  "GROUP",
  "HOST_GROUP",
  "DISPLAY",
  "PROJECT",
];
const RESERVED_NAMES = ["cfd", "node7", "big nodes", "chip A team", ":0", "ann"];

export function generateSnapshot(opts: UsageGeneratorOptions): StatusSnapshot {
  const random = seededRandom(opts.seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const vendorNames = opts.vendors === 2 ? ["acme", "cdslmd"] : ["acme"];
  const serverHost = opts.longNames ? "license-server-1.hpc.university-example.org" : "lic1";
  const baseTime = Date.UTC(2026, 10, 22, 14, 53);
  let handle = 100;

  const features: StatusFeature[] = [];
  for (let i = 0; i < opts.features; i++) {
    // with two vendors, every fifth feature repeats the previous name under the other vendor
    const previous = opts.vendors === 2 && i % 5 === 1 ? features[i - 1] : undefined;
    const name = previous?.name ?? `${pick(["solver", "mesher", "post", "CFD", "Toolbox"])}_${i}`;
    const vendor = previous ? (previous.vendor === "acme" ? "cdslmd" : "acme") : pick(vendorNames);
    const poolCount = int(1, 3);
    const pools: StatusPool[] = [];
    for (let p = 0; p < poolCount; p++) {
      const uncounted = random() < 0.05;
      pools.push({
        version: pick(["2026.0", "61.9", "53", "12", "1.00"]),
        expires:
          random() < 0.5
            ? "permanent"
            : `${int(1, 28)}-${pick(["jan", "jun", "dec"])}-${int(2026, 2099)}`,
        count: uncounted ? "uncounted" : int(1, 500),
        ...(random() < 0.2 ? { vendorString: "vi=0:at=200:ae=1:lu=300" } : {}),
        ...(random() < 0.1 && !uncounted ? { nodeLockedTo: "ID=123456" } : {}),
        reservations: [],
        leases: [],
      });
    }
    features.push({ name, vendor, pools });
  }
  if (features.length === 0) return snapshotOf([], vendorNames, serverHost, baseTime);

  for (let l = 0; l < opts.leases; l++) {
    const feature = features[int(0, features.length - 1)] as StatusFeature;
    const pool = feature.pools[int(0, feature.pools.length - 1)] as StatusPool;
    pool.leases.push(randomLease());
  }
  for (const feature of features) {
    for (const pool of feature.pools) {
      if (pool.count !== "uncounted" && random() < 0.15)
        pool.reservations.push(randomReservation());
    }
  }
  return snapshotOf(features, vendorNames, serverHost, baseTime);

  function randomLease(): StatusLease {
    const user = random() < 0.3 ? `${pick(GIVEN)} ${pick(FAMILY)}` : pick(GIVEN);
    const node = `node${String(int(1, 4000)).padStart(4, "0")}`;
    const host = opts.longNames ? `${node}.compute.cluster-east.hpc.university-example.org` : node;
    // large sites: mostly X displays named after long host names
    const display = pick(
      opts.longNames
        ? [host, `${host}:0.0`, `${host}:0.0 (remote desktop)`, `/dev/pts/${int(0, 40)}`]
        : [host, `${host}:0`, `${host}:0.0 (remote desktop)`, "/dev/tty", `/dev/pts/${int(0, 40)}`],
    );
    const lease: StatusLease = {
      user,
      host,
      display,
      version: pick(["2026.0", "61.9", "53"]),
      handle: handle++,
      startedAt: new Date(baseTime - int(0, 7 * 24 * 60) * 60_000).toISOString(),
      count: random() < 0.6 ? 1 : int(2, 64),
    };
    if (random() < (opts.longNames ? 0.6 : 0.3)) lease.pid = int(100, 4_000_000);
    return lease;
  }

  function randomReservation(): StatusReservation {
    return { kind: pick(RESERVATION_KINDS), name: pick(RESERVED_NAMES), count: int(1, 48) };
  }
}

function snapshotOf(
  features: StatusFeature[],
  vendorNames: string[],
  host: string,
  time: number,
): StatusSnapshot {
  return {
    generatedAt: new Date(time).toISOString(),
    server: {
      host,
      port: 27000,
      version: "11.19.6",
      licenseFiles: ["/etc/lmkeeper/license.dat"],
      role: "standalone",
      up: true,
    },
    vendors: vendorNames.map((name) => ({ name, version: "11.19.6", up: true })),
    features,
  };
}

/** What lmstat reports for each feature of a snapshot, keyed `name\0vendor` (lower-case name). */
export interface ExpectedUsage {
  total: number;
  used: number;
  reserved: number;
  uses: LicenseUse[];
}

export function usageKey(feature: string, vendor: string | undefined): string {
  return `${feature.toLowerCase()}\u0000${vendor ?? ""}`;
}

/**
 * Features with nothing in use print no pool header, so their vendor is known only when the
 * server has one vendor daemon; same-name features the parser cannot tell apart are summed.
 */
export function expectedUsage(snapshot: StatusSnapshot): Map<string, ExpectedUsage> {
  const expected = new Map<string, ExpectedUsage>();
  const singleVendor = snapshot.vendors.length === 1 ? snapshot.vendors[0]?.name : undefined;
  for (const feature of snapshot.features) {
    const uncounted = feature.pools.some((pool) => pool.count === "uncounted");
    let total = 0;
    let reserved = 0;
    let leased = 0;
    const uses: LicenseUse[] = [];
    for (const pool of feature.pools) {
      if (pool.count !== "uncounted") total += pool.count;
      for (const reservation of pool.reservations) reserved += reservation.count;
      for (const lease of pool.leases) {
        leased += lease.count;
        uses.push({ username: lease.user, host: lease.host, count: lease.count });
      }
    }
    const vendor = leased + reserved > 0 ? feature.vendor : singleVendor;
    const usage: ExpectedUsage = {
      // uncounted: lmstat prints no in-use figure, so the parser counts the checkouts
      total: uncounted ? UNLIMITED_TOTAL : total,
      used: uncounted ? leased : leased + reserved,
      reserved,
      uses,
    };
    const key = usageKey(feature.name, vendor);
    const known = expected.get(key);
    if (!known) {
      expected.set(key, usage);
      continue;
    }
    known.total =
      known.total === UNLIMITED_TOTAL || uncounted ? UNLIMITED_TOTAL : known.total + usage.total;
    known.used += usage.used;
    known.reserved += usage.reserved;
    known.uses.push(...usage.uses);
  }
  return expected;
}

export function actualUsage(features: FeatureUsage[]): Map<string, ExpectedUsage> {
  const actual = new Map<string, ExpectedUsage>();
  for (const f of features) {
    actual.set(usageKey(f.feature, f.vendor), {
      total: f.total,
      used: f.used,
      reserved: f.reserved,
      uses: f.uses,
    });
  }
  return actual;
}
