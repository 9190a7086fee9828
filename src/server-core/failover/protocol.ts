import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Lease, Pool } from "../engine.js";
import type { PolicySnapshot } from "../policy/policy-snapshot.js";
import { ID_TYPES } from "../policy/reservations.js";

/** Paths the two servers of a pair use between themselves (never by clients). */
export const SYNC_STATE_PATH = "/api/1.0/failover/state";
export const SYNC_HANDOVER_PATH = "/api/1.0/failover/handover";

const poolSchema = z.object({
  id: z.string().min(1),
  feature: z.string().min(1),
  vendor: z.string().min(1),
  version: z.string().min(1),
  expires: z.string().min(1),
  expiresAt: z.number().nullable(),
  startsAt: z.number().optional(),
  count: z.union([z.number().int().nonnegative(), z.literal("uncounted")]),
  vendorString: z.string().optional(),
  hostId: z.string().optional(),
  source: z.union([
    z.object({ kind: z.literal("license-file"), file: z.string(), line: z.number() }),
    z.object({ kind: z.literal("activation"), code: z.string() }),
  ]),
});

const leaseSchema = z.object({
  id: z.string().min(1),
  poolId: z.string().min(1),
  feature: z.string().min(1),
  version: z.string().min(1),
  count: z.number().int().positive(),
  user: z.string().min(1),
  host: z.string().min(1),
  display: z.string().min(1),
  deviceId: z.string(),
  handle: z.number().int().nonnegative(),
  startedAt: z.number(),
  lastSeenAt: z.number(),
  expiresAt: z.number(),
});

const reservationSchema = z.object({
  hostId: z.string().min(1),
  idType: z.enum(ID_TYPES),
  feature: z.string().min(1),
  version: z.string().min(1),
  count: z.number().int().positive(),
});

/**
 * The main's policies: reservation groups, the model definition text and the access config
 * (as stored, LDAP passwords included: the backup must bind with them in failover).
 */
const policySchema = z.object({
  reservationGroups: z.array(
    z.object({ name: z.string().min(1), reservations: z.array(reservationSchema) }),
  ),
  modelDefinition: z.string().nullable(),
  accessConfig: z.object({ source: z.string(), config: z.unknown() }).nullable(),
});

/** What a main hands its backup on every pull. */
export const syncStateSchema = z.object({
  generatedAt: z.number(),
  /** set when a backup answers: whether it is serving because its main is down */
  inFailover: z.boolean().default(false),
  /** the backup's clock when its failover began */
  failoverSince: z.number().optional(),
  pools: z.array(poolSchema),
  leases: z.array(leaseSchema),
  /** only a main sends its policies */
  policy: policySchema.optional(),
});

/** What a backup hands its main when the main is back: every lease it holds. */
export const handoverSchema = z.object({
  failoverSince: z.number(),
  leases: z.array(leaseSchema),
});

export interface SyncState {
  generatedAt: number;
  inFailover: boolean;
  failoverSince?: number | undefined;
  pools: Pool[];
  leases: Lease[];
  policy?: PolicySnapshot | undefined;
}

export function syncAuthorization(secret: string): string {
  return `Bearer ${secret}`;
}

/** Compares a request's bearer token with the pair's secret in constant time. */
export function hasSyncSecret(header: string | undefined, secret: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/.exec(header ?? "");
  if (!match?.[1]) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(secret));
}

/** Zod's output marks optional fields `T | undefined`; strip those to the engine's types. */
export function toPool(parsed: z.output<typeof poolSchema>): Pool {
  const pool: Pool = {
    id: parsed.id,
    feature: parsed.feature,
    vendor: parsed.vendor,
    version: parsed.version,
    expires: parsed.expires,
    expiresAt: parsed.expiresAt,
    count: parsed.count,
    source: parsed.source,
  };
  if (parsed.startsAt !== undefined) pool.startsAt = parsed.startsAt;
  if (parsed.vendorString !== undefined) pool.vendorString = parsed.vendorString;
  if (parsed.hostId !== undefined) pool.hostId = parsed.hostId;
  return pool;
}
