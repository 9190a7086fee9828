import type { Lease, Pool } from "./engine.js";
import type {
  StatusFeature,
  StatusPair,
  StatusPool,
  StatusReservation,
  StatusSnapshot,
  StatusVendor,
} from "./status/snapshot.js";

export interface SnapshotInput {
  host: string;
  port: number;
  version: string;
  licenseFiles: string[];
  /** vendor names from VENDOR lines, in file order */
  vendors: string[];
  pools: readonly Pool[];
  /** live leases only */
  leases: readonly Lease[];
  now: number;
  /** seats kept for someone and not in use, per pool (reservations, named pools) */
  reservationsOf?: (poolId: string) => StatusReservation[];
  /** this server's place in a failover pair, if it is in one */
  failover?: { role: "main" | "backup"; inFailover: boolean; pair: StatusPair };
}

/** The server's state as the status renderers and `GET /api/1.0/status` see it. Pure. */
export function buildSnapshot(input: SnapshotInput): StatusSnapshot {
  const leasesByPool = new Map<string, Lease[]>();
  for (const lease of input.leases) {
    const list = leasesByPool.get(lease.poolId) ?? [];
    list.push(lease);
    leasesByPool.set(lease.poolId, list);
  }
  // by lower-cased name: a license file may hold thousands of pools
  const features = new Map<string, StatusFeature>();
  for (const pool of input.pools) {
    const key = pool.feature.toLowerCase();
    let feature = features.get(key);
    if (!feature) {
      feature = { name: pool.feature, vendor: pool.vendor, pools: [] };
      features.set(key, feature);
    }
    feature.pools.push(
      statusPool(pool, leasesByPool.get(pool.id) ?? [], input.reservationsOf?.(pool.id) ?? []),
    );
  }
  const vendorNames = [...input.vendors];
  const knownVendors = new Set(vendorNames.map((name) => name.toLowerCase()));
  for (const pool of input.pools) {
    const key = pool.vendor.toLowerCase();
    if (knownVendors.has(key)) continue;
    knownVendors.add(key);
    vendorNames.push(pool.vendor);
  }
  const vendors: StatusVendor[] = vendorNames.map((name) => ({
    name,
    version: input.version,
    up: true,
  }));
  const server: StatusSnapshot["server"] = {
    host: input.host,
    port: input.port,
    version: input.version,
    licenseFiles: input.licenseFiles,
    role: input.failover?.role ?? "standalone",
    up: true,
  };
  if (input.failover) {
    server.inFailover = input.failover.inFailover;
    server.pair = input.failover.pair;
  }
  return {
    generatedAt: new Date(input.now).toISOString(),
    server,
    vendors,
    features: [...features.values()],
  };
}

function statusPool(pool: Pool, leases: Lease[], reservations: StatusReservation[]): StatusPool {
  const status: StatusPool = {
    version: pool.version,
    expires: pool.expires,
    count: pool.count,
    reservations,
    leases: [...leases]
      .sort((a, b) => a.startedAt - b.startedAt || a.handle - b.handle)
      .map((lease) => ({
        user: lease.user,
        host: lease.host,
        display: lease.display,
        version: lease.version,
        handle: lease.handle,
        startedAt: new Date(lease.startedAt).toISOString(),
        count: lease.count,
      })),
  };
  if (pool.vendorString !== undefined) status.vendorString = pool.vendorString;
  if (pool.count === "uncounted" && pool.hostId !== undefined) status.nodeLockedTo = pool.hostId;
  return status;
}
