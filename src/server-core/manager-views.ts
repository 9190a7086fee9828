import { sameFeature, type Lease, type Pool } from "./engine.js";

/** One feature at one version, summed over the pools that serve it (the manager's Features view). */
export interface FeatureRow {
  name: string;
  version: string;
  vendor: string;
  /** null when every pool of the feature is uncounted */
  total: number | null;
  used: number;
  available: number | null;
  /** "permanent" or dd-mmm-yyyy of the pool that expires first / last */
  firstExpiration: string;
  lastExpiration: string;
  /** seats in use beyond the total (uncounted pools never overdraw) */
  overdraft: number;
  metered: boolean;
  counted: boolean;
  pools: number;
}

export interface FeaturePage {
  page: number;
  size: number;
  total: number;
  pages: number;
  features: FeatureRow[];
}

export interface HolderRow {
  deviceId: string;
  user: string;
  host: string;
  count: number;
  expires: string;
}

export interface DeviceRow {
  deviceId: string;
  /** STRING when the client named its device, HOSTNAME when only its host name is known */
  idType: "STRING" | "HOSTNAME";
  deviceType: "CLIENT";
  alias: string;
  seats: number;
}

export interface DeviceDetail extends DeviceRow {
  features: { feature: string; version: string; count: number; user: string; expires: string }[];
}

export const MAX_PAGE_SIZE = 1000;

const expiryOrder = (pool: Pool): number => pool.expiresAt ?? Number.POSITIVE_INFINITY;

/** Groups pools by feature name and version, in the order the license files define them. */
export function featureRows(pools: readonly Pool[], leases: readonly Lease[]): FeatureRow[] {
  const usedByPool = new Map<string, number>();
  for (const lease of leases)
    usedByPool.set(lease.poolId, (usedByPool.get(lease.poolId) ?? 0) + lease.count);
  const groups = new Map<string, Pool[]>();
  for (const pool of pools) {
    const key = `${pool.feature.toLowerCase()}\u0000${pool.version}`;
    const group = groups.get(key) ?? [];
    group.push(pool);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as Pool;
    const counted = group.filter((pool) => pool.count !== "uncounted");
    const total =
      counted.length === 0 ? null : counted.reduce((sum, pool) => sum + (pool.count as number), 0);
    const used = group.reduce((sum, pool) => sum + (usedByPool.get(pool.id) ?? 0), 0);
    const byExpiry = [...group].sort((a, b) => expiryOrder(a) - expiryOrder(b));
    return {
      name: first.feature,
      version: first.version,
      vendor: first.vendor,
      total,
      used,
      available: total === null ? null : Math.max(0, total - used),
      firstExpiration: (byExpiry[0] as Pool).expires,
      lastExpiration: (byExpiry[byExpiry.length - 1] as Pool).expires,
      overdraft: total === null ? 0 : Math.max(0, used - total),
      metered: false,
      counted: total !== null,
      pools: group.length,
    };
  });
}

/** One page of feature rows; `search` is an exact feature name (case-insensitive). */
export function pageFeatures(
  rows: readonly FeatureRow[],
  page: number,
  size: number,
  search?: string,
): FeaturePage {
  const matching = search ? rows.filter((row) => sameFeature(row.name, search)) : rows;
  const pages = Math.max(1, Math.ceil(matching.length / size));
  const start = (page - 1) * size;
  return {
    page,
    size,
    total: matching.length,
    pages,
    features: matching.slice(start, start + size),
  };
}

function deviceOf(lease: Lease): string {
  return lease.deviceId || lease.host;
}

/** The devices holding seats of a feature (any version), busiest first. */
export function featureHolders(feature: string, leases: readonly Lease[]): HolderRow[] {
  const holders = new Map<string, HolderRow>();
  for (const lease of leases) {
    if (!sameFeature(lease.feature, feature)) continue;
    const key = `${deviceOf(lease)}\u0000${lease.user}`;
    const row = holders.get(key) ?? {
      deviceId: deviceOf(lease),
      user: lease.user,
      host: lease.host,
      count: 0,
      expires: new Date(lease.expiresAt).toISOString(),
    };
    row.count += lease.count;
    if (lease.expiresAt > Date.parse(row.expires))
      row.expires = new Date(lease.expiresAt).toISOString();
    holders.set(key, row);
  }
  return [...holders.values()].sort(
    (a, b) => b.count - a.count || a.deviceId.localeCompare(b.deviceId),
  );
}

/** Every device that holds a lease, sorted by device id. */
export function deviceRows(leases: readonly Lease[]): DeviceRow[] {
  const devices = new Map<string, DeviceRow>();
  for (const lease of leases) {
    const deviceId = deviceOf(lease);
    const row = devices.get(deviceId) ?? {
      deviceId,
      idType: lease.deviceId ? "STRING" : "HOSTNAME",
      deviceType: "CLIENT",
      alias: lease.host,
      seats: 0,
    };
    row.seats += lease.count;
    devices.set(deviceId, row);
  }
  return [...devices.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId));
}

/** A device with the features it is served and when each lease runs out unless renewed. */
export function deviceDetail(
  deviceId: string,
  pools: readonly Pool[],
  leases: readonly Lease[],
): DeviceDetail | undefined {
  const held = leases.filter((lease) => deviceOf(lease) === deviceId);
  const row = deviceRows(held)[0];
  if (!row) return undefined;
  const versionOf = new Map(pools.map((pool) => [pool.id, pool.version]));
  return {
    ...row,
    features: held.map((lease) => ({
      feature: lease.feature,
      version: versionOf.get(lease.poolId) ?? lease.version,
      count: lease.count,
      user: lease.user,
      expires: new Date(lease.expiresAt).toISOString(),
    })),
  };
}
