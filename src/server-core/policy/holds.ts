import type { EngineState, Lease, Pool } from "../engine.js";

/** Who is asking: what reservations and pool rules look at. */
export interface ClientIdentity {
  user: string;
  host: string;
  deviceId: string;
}

/**
 * Seats of one license pool kept for a set of clients: a reservation (one device or user) or
 * a named license pool (the clients its rules of access send there). Seats nobody holds form
 * the default pool, first come first served.
 */
export interface Hold {
  /** what the seats are kept for, e.g. `reservation "Lab" USER alice` or `pool "Pune"` */
  label: string;
  poolId: string;
  count: number;
  isHolder(client: ClientIdentity): boolean;
  /** how status output names the holder (FlexLM's RESERVATION lines) */
  holder: { kind: "USER" | "HOST" | "GROUP"; name: string };
}

export interface PoolAttribution {
  holds: Hold[];
  /** seats of each hold (same order) its holders are using */
  usedInHold: number[];
  /** seats in use outside any hold */
  shared: number;
}

/**
 * Splits a pool's live leases between its holds and the shared rest: a lease counts
 * against its holder's hold while that has room, and against the shared seats beyond.
 */
export function attribute(state: EngineState, poolId: string, now: number): PoolAttribution {
  const holds = (state.holds ?? []).filter((hold) => hold.poolId === poolId);
  const usedInHold = holds.map(() => 0);
  let shared = 0;
  for (const lease of state.leasesOf(poolId)) {
    if (lease.expiresAt <= now) continue;
    shared += absorb(holds, usedInHold, lease);
  }
  return { holds, usedInHold, shared };
}

function absorb(holds: Hold[], usedInHold: number[], lease: Lease): number {
  let rest = lease.count;
  holds.forEach((hold, index) => {
    const used = usedInHold[index] ?? 0;
    if (rest === 0 || used >= hold.count || !hold.isHolder(lease)) return;
    const take = Math.min(rest, hold.count - used);
    usedInHold[index] = used + take;
    rest -= take;
  });
  return rest;
}

/**
 * Seats of a counted pool this client may still take: the unheld seats nobody uses plus
 * what is left of the holds it is a holder of.
 */
export function freeFor(
  state: EngineState,
  poolId: string,
  count: number,
  client: ClientIdentity,
  now: number,
): number {
  const { holds, usedInHold, shared } = attribute(state, poolId, now);
  let free = count - shared;
  holds.forEach((hold, index) => {
    free -= hold.count;
    if (hold.isHolder(client)) free += hold.count - (usedInHold[index] ?? 0);
  });
  return free;
}

/** Seats a policy asks to keep: a reservation entry or a named pool's feature line. */
export interface Demand {
  feature: string;
  /** minimum version: pools with version ≥ this may hold the seats */
  version: string;
  count: number;
}

export type Placement =
  | { satisfiable: true; parts: { poolId: string; count: number }[] }
  | { satisfiable: false; available: number };

/**
 * Places demands, in order, on the counted pools that can serve them (same feature, version
 * at least the demanded one, valid now), filling pools in license-file order. A demand is
 * placed whole or not at all; `available` says what was left for one that did not fit.
 */
export function placeDemands(
  pools: readonly Pool[],
  demands: readonly Demand[],
  now: number,
  compareVersions: (a: string, b: string) => number,
): Placement[] {
  const left = new Map<string, number>();
  for (const pool of pools) if (pool.count !== "uncounted") left.set(pool.id, pool.count);
  return demands.map((demand) => {
    const eligible = pools.filter(
      (pool) =>
        pool.count !== "uncounted" &&
        pool.feature.toLowerCase() === demand.feature.toLowerCase() &&
        compareVersions(pool.version, demand.version) >= 0 &&
        (pool.startsAt === undefined || now >= pool.startsAt) &&
        (pool.expiresAt === null || now < pool.expiresAt),
    );
    const available = eligible.reduce((sum, pool) => sum + (left.get(pool.id) ?? 0), 0);
    if (available < demand.count) return { satisfiable: false, available };
    const parts: { poolId: string; count: number }[] = [];
    let needed = demand.count;
    for (const pool of eligible) {
      const take = Math.min(needed, left.get(pool.id) ?? 0);
      if (take === 0) continue;
      left.set(pool.id, (left.get(pool.id) ?? 0) - take);
      parts.push({ poolId: pool.id, count: take });
      needed -= take;
      if (needed === 0) break;
    }
    return { satisfiable: true, parts };
  });
}
