import { compareVersions, type EngineState, type Pool } from "../engine.js";
import { PolicyError } from "./errors.js";
import { attribute, placeDemands, type ClientIdentity, type Hold } from "./holds.js";
import type { AccessRule, ModelDefinition } from "./model-definition.js";

export const DEFAULT_POOL = "default";

/** The named pool a client draws from: the first rule of access it matches, else none. */
export function namedPoolOf(
  rules: readonly AccessRule[],
  client: ClientIdentity,
): string | undefined {
  const values: Record<AccessRule["match"][number]["field"], string> = {
    user: client.user,
    host: client.host,
    device: client.deviceId,
  };
  return rules.find((rule) => rule.match.every(({ field, pattern }) => pattern.test(values[field])))
    ?.pool;
}

export interface NamedPoolHold extends Hold {
  pool: string;
  feature: string;
  version: string;
}

/**
 * Keeps each partition's seats for the clients its rules send there. Throws a PolicyError
 * naming the line when the server has fewer licenses than the partitions allocate.
 */
export function planNamedPools(
  model: ModelDefinition,
  pools: readonly Pool[],
  now: number,
  source = "model definition",
): NamedPoolHold[] {
  const entries = model.partitions.flatMap((partition) =>
    partition.entries.map((entry) => ({ pool: partition.name, entry })),
  );
  const placements = placeDemands(
    pools,
    entries.map((item) => item.entry),
    now,
    compareVersions,
  );
  const holds: NamedPoolHold[] = [];
  entries.forEach(({ pool, entry }, index) => {
    const placement = placements[index];
    if (!placement) return;
    if (!placement.satisfiable) {
      const lineText = model.text.split(/\r?\n/)[entry.lineNumber - 1] ?? "";
      throw new PolicyError(
        source,
        `partition "${pool}" allocates ${entry.count} of "${entry.feature}" ${entry.version} but only ${placement.available} ` +
          `counted, current licenses of version ${entry.version} or newer are left for it`,
        entry.lineNumber,
        lineText,
      );
    }
    for (const part of placement.parts) {
      holds.push({
        label: `pool "${pool}"`,
        pool,
        feature: entry.feature,
        version: entry.version,
        poolId: part.poolId,
        count: part.count,
        isHolder: (client) => namedPoolOf(model.rules, client) === pool,
        holder: { kind: "GROUP", name: pool },
      });
    }
  });
  return holds;
}

export interface PoolFeatureUsage {
  feature: string;
  version: string;
  allocated: number;
  used: number;
}

export interface LicensePoolView {
  name: string;
  features: PoolFeatureUsage[];
}

/**
 * Allocated and used seats per feature in each named pool and in the default pool (what no
 * named pool holds, and the leases beyond a named pool's allocation).
 */
export function describePools(
  state: EngineState,
  names: readonly string[],
  now: number,
): LicensePoolView[] {
  const named = new Map<string, Map<string, PoolFeatureUsage>>(
    names.map((name) => [name, new Map()]),
  );
  const fallback = new Map<string, PoolFeatureUsage>();
  const add = (
    into: Map<string, PoolFeatureUsage>,
    feature: string,
    version: string,
    allocated: number,
    used: number,
  ) => {
    const key = `${feature}\u0000${version}`;
    const row = into.get(key) ?? { feature, version, allocated: 0, used: 0 };
    row.allocated += allocated;
    row.used += used;
    into.set(key, row);
  };
  for (const pool of state.pools) {
    if (pool.count === "uncounted") continue;
    const { holds, usedInHold, shared } = attribute(state, pool.id, now);
    let held = 0;
    holds.forEach((hold, index) => {
      held += hold.count;
      const namedHold = hold as Partial<NamedPoolHold>;
      const into = namedHold.pool === undefined ? undefined : named.get(namedHold.pool);
      if (into)
        add(
          into,
          pool.feature,
          namedHold.version ?? pool.version,
          hold.count,
          usedInHold[index] ?? 0,
        );
    });
    add(fallback, pool.feature, pool.version, pool.count - held, shared);
  }
  return [
    ...names.map((name) => ({ name, features: [...(named.get(name)?.values() ?? [])] })),
    { name: DEFAULT_POOL, features: [...fallback.values()] },
  ];
}
