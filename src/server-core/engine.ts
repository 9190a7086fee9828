import { freeFor, type Hold } from "./policy/holds.js";

/**
 * The allocation engine: pure decisions over an explicit state. No I/O, no clock of its own:
 * `now` (epoch ms) is always passed in, so tests drive time.
 */

export type PoolSource =
  { kind: "license-file"; file: string; line: number } | { kind: "activation"; code: string };

export interface Pool {
  /** stable across restarts: leases refer to it */
  id: string;
  feature: string;
  vendor: string;
  version: string;
  /** "permanent" or dd-mmm-yyyy */
  expires: string;
  /** epoch ms at which the pool stops granting; null = never */
  expiresAt: number | null;
  /** epoch ms before which the pool does not grant (START=); absent = always */
  startsAt?: number;
  count: number | "uncounted";
  vendorString?: string;
  hostId?: string;
  source: PoolSource;
}

export interface Lease {
  /** unguessable token: whoever holds it may renew or check the lease in */
  id: string;
  poolId: string;
  feature: string;
  /** version the client asked for */
  version: string;
  count: number;
  user: string;
  host: string;
  display: string;
  deviceId: string;
  /** small integer shown in status output */
  handle: number;
  startedAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface CheckoutRequest {
  feature: string;
  /** minimum version: any pool with version ≥ this may serve it */
  version: string;
  count: number;
  user: string;
  host: string;
  display: string;
  deviceId: string;
}

/** What the engine reads. */
export interface EngineState {
  pools: readonly Pool[];
  /** live and not-yet-swept leases of a pool; the engine ignores those past expiry */
  leasesOf(poolId: string): Iterable<Lease>;
  /** seats kept for reservations or named license pools (src/server-core/policy) */
  holds?: readonly Hold[];
}

export type DenialCode =
  | "FEATURE_NOT_FOUND"
  | "VERSION_TOO_NEW"
  | "LICENSE_EXPIRED"
  | "NOT_YET_VALID"
  | "ALL_IN_USE"
  | "REQUEST_EXCEEDS_TOTAL";

export type Decision =
  | { kind: "grant"; poolId: string; count: number }
  | { kind: "deny"; code: DenialCode; message: string };

export function sameFeature(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Compares dotted numeric versions (1.10 > 1.9; 2026.0 = 2026). */
export function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

export function poolInUse(state: EngineState, poolId: string, now: number): number {
  let used = 0;
  for (const lease of state.leasesOf(poolId)) if (lease.expiresAt > now) used += lease.count;
  return used;
}

export function poolHasStarted(pool: Pool, now: number): boolean {
  return pool.startsAt === undefined || now >= pool.startsAt;
}

export function poolIsExpired(pool: Pool, now: number): boolean {
  return pool.expiresAt !== null && now >= pool.expiresAt;
}

/**
 * Decides a checkout. Pools are tried uncounted first, then in license-file order; a lease
 * comes from one pool. Never grants more than a pool's count minus its live leases.
 */
export function allocate(state: EngineState, request: CheckoutRequest, now: number): Decision {
  const named = state.pools.filter((pool) => sameFeature(pool.feature, request.feature));
  if (named.length === 0) {
    return deny("FEATURE_NOT_FOUND", `No such feature "${request.feature}" on this server`);
  }
  const versioned = named.filter((pool) => compareVersions(pool.version, request.version) >= 0);
  if (versioned.length === 0) {
    const newest = named
      .map((pool) => pool.version)
      .sort(compareVersions)
      .at(-1);
    return deny(
      "VERSION_TOO_NEW",
      `Version ${request.version} of "${request.feature}" was requested; the newest licensed is ${newest}`,
    );
  }
  const started = versioned.filter((pool) => poolHasStarted(pool, now));
  if (started.length === 0) {
    return deny(
      "NOT_YET_VALID",
      `The license for "${request.feature}" is not valid yet (START date in the future)`,
    );
  }
  const current = started.filter((pool) => !poolIsExpired(pool, now));
  if (current.length === 0) {
    const latest = started.map((pool) => pool.expires).join(", ");
    return deny("LICENSE_EXPIRED", `The license for "${request.feature}" has expired (${latest})`);
  }
  const ordered = [
    ...current.filter((pool) => pool.count === "uncounted"),
    ...current.filter((pool) => pool.count !== "uncounted"),
  ];
  for (const pool of ordered) {
    if (pool.count === "uncounted") return { kind: "grant", poolId: pool.id, count: request.count };
    if (freeFor(state, pool.id, pool.count, request, now) >= request.count) {
      return { kind: "grant", poolId: pool.id, count: request.count };
    }
  }
  const largest = Math.max(...current.map((pool) => (pool.count === "uncounted" ? 0 : pool.count)));
  if (request.count > largest) {
    return deny(
      "REQUEST_EXCEEDS_TOTAL",
      `${request.count} licenses of "${request.feature}" were requested; no pool has more than ${largest}`,
    );
  }
  const held = (state.holds ?? []).some((hold) => current.some((pool) => pool.id === hold.poolId));
  return deny(
    "ALL_IN_USE",
    held
      ? `All licenses of "${request.feature}" are in use or kept for others`
      : `All licenses of "${request.feature}" are in use`,
  );
}

function deny(code: DenialCode, message: string): Decision {
  return { kind: "deny", code, message };
}
