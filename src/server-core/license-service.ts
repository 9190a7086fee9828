import { randomUUID } from "node:crypto";
import {
  allocate,
  poolInUse,
  type CheckoutRequest,
  type DenialCode,
  type EngineState,
  type Lease,
  type Pool,
} from "./engine.js";
import { planActivation, type ActivationErrorCode, type Entitlement } from "./entitlements.js";
import { poolFromActivation } from "./pools.js";
import type { Hold } from "./policy/holds.js";
import {
  forgetRevocation,
  PolicyStore,
  recordRevocation,
  type RevocationRecord,
} from "./policy/policy-store.js";
import { chooseRevocation } from "./policy/priority.js";
import type { Store } from "./store.js";

export type LeaseErrorCode = "LEASE_NOT_FOUND" | "LEASE_EXPIRED" | "LEASE_REVOKED";

/** How long a revoked lease's holder can still learn of it (a client's grace period). */
export const REVOCATION_MEMORY_MS = 7 * 24 * 3600 * 1000;

export interface CheckoutOptions {
  /** a prioritylist client: when nothing is free, the least recently seen lease makes room */
  priority?: boolean;
}

export type CheckoutOutcome =
  { ok: true; lease: Lease; pool: Pool } | { ok: false; code: DenialCode; message: string };

export type LeaseOutcome =
  { ok: true; lease: Lease } | { ok: false; code: LeaseErrorCode; message: string };

export type ActivationOutcome =
  | { ok: true; code: string; count: number; previous: number }
  | { ok: false; code: ActivationErrorCode; message: string };

export interface LicenseServiceOptions {
  leaseMs: number;
  now: () => number;
}

/**
 * The server's working state: pools, live leases and activations, kept in memory and
 * journaled to the store. Decisions come from the pure engine; a change is applied in memory
 * at once (so concurrent requests see it) and reported only after its write has committed.
 */
export class LicenseService {
  private readonly leases = new Map<string, Lease>();
  private readonly leasesByPool = new Map<string, Set<Lease>>();
  private readonly activations: Map<string, number>;
  private readonly freeHandles: number[] = [];
  private nextHandle = 1;
  private poolList: Pool[] = [];
  private holdSource: () => readonly Hold[] = () => [];
  private readonly revoked = new Map<string, RevocationRecord>();
  /** set on a failover backup: the pools its main serves, in place of its own */
  private mirroredPools: Pool[] | undefined;
  readonly engineState: EngineState;

  constructor(
    private readonly store: Store,
    private readonly licensePools: readonly Pool[],
    readonly entitlements: readonly Entitlement[],
    private readonly options: LicenseServiceOptions,
  ) {
    this.activations = store.loadActivations();
    this.rebuildPools();
    const stored = store.loadLeases();
    this.nextHandle = Math.max(0, ...stored.map((lease) => lease.handle)) + 1;
    for (const lease of stored) this.addLease(lease);
    for (const record of new PolicyStore(store).loadRevocations())
      this.revoked.set(record.leaseId, record);
    const pools = (): Pool[] => this.poolList;
    const holds = (): readonly Hold[] => this.holdSource();
    this.engineState = {
      get pools() {
        return pools();
      },
      get holds() {
        return holds();
      },
      leasesOf: (poolId) => this.leasesByPool.get(poolId) ?? [],
    };
  }

  /** Where the seats kept by reservations or named pools come from (the policy layer). */
  setHoldSource(source: () => readonly Hold[]): void {
    this.holdSource = source;
  }

  now(): number {
    return this.options.now();
  }

  pools(): readonly Pool[] {
    return this.poolList;
  }

  /** Leases not yet past their expiry, in start order. */
  liveLeases(now = this.now()): Lease[] {
    return [...this.leases.values()].filter((lease) => lease.expiresAt > now);
  }

  /** Stored leases whose pool is gone (license file edited, code returned elsewhere). */
  leasesWithoutPool(): Lease[] {
    const known = new Set(this.poolList.map((pool) => pool.id));
    return [...this.leases.values()].filter((lease) => !known.has(lease.poolId));
  }

  inUse(poolId: string, now = this.now()): number {
    return poolInUse(this.engineState, poolId, now);
  }

  activatedCount(code: string): number {
    return this.activations.get(code) ?? 0;
  }

  async checkout(
    request: CheckoutRequest,
    options: CheckoutOptions = {},
  ): Promise<CheckoutOutcome> {
    const now = this.now();
    let decision = allocate(this.engineState, request, now);
    let revocation: RevocationRecord | undefined;
    if (decision.kind === "deny" && decision.code === "ALL_IN_USE" && options.priority) {
      const chosen = chooseRevocation(this.engineState, request, now);
      if (chosen) {
        decision = chosen.decision;
        revocation = {
          leaseId: chosen.lease.id,
          feature: chosen.lease.feature,
          user: chosen.lease.user,
          host: chosen.lease.host,
          revokedAt: now,
          revokedFor: `${request.user}@${request.host}`,
        };
      }
    }
    if (decision.kind === "deny")
      return { ok: false, code: decision.code, message: decision.message };
    const pool = this.poolList.find((candidate) => candidate.id === decision.poolId);
    if (!pool) throw new Error(`engine chose unknown pool ${decision.poolId}`);
    const lease: Lease = {
      id: randomUUID(),
      poolId: pool.id,
      feature: pool.feature,
      version: request.version,
      count: decision.count,
      user: request.user,
      host: request.host,
      display: request.display,
      deviceId: request.deviceId,
      handle: this.takeHandle(),
      startedAt: now,
      lastSeenAt: now,
      expiresAt: now + this.options.leaseMs,
    };
    const victim = revocation && this.leases.get(revocation.leaseId);
    if (revocation && victim) {
      this.removeLease(victim);
      this.revoked.set(revocation.leaseId, revocation);
    }
    this.addLease(lease);
    try {
      await Promise.all([
        this.store.insertLease(lease),
        revocation ? recordRevocation(this.store, revocation) : undefined,
      ]);
    } catch (error) {
      this.removeLease(lease);
      if (revocation && victim) {
        this.revoked.delete(revocation.leaseId);
        this.addLease(victim);
      }
      throw error;
    }
    return { ok: true, lease, pool };
  }

  async heartbeat(id: string): Promise<LeaseOutcome> {
    const now = this.now();
    const lease = this.leases.get(id);
    if (!lease) return this.notFoundOrRevoked(id);
    if (lease.expiresAt <= now) {
      await this.release(lease);
      return { ok: false, code: "LEASE_EXPIRED", message: `Lease ${id} expired; check out again` };
    }
    const before = { lastSeenAt: lease.lastSeenAt, expiresAt: lease.expiresAt };
    lease.lastSeenAt = now;
    lease.expiresAt = now + this.options.leaseMs;
    try {
      await this.store.renewLease(id, lease.lastSeenAt, lease.expiresAt);
    } catch (error) {
      Object.assign(lease, before);
      throw error;
    }
    return { ok: true, lease };
  }

  async checkin(id: string): Promise<LeaseOutcome> {
    const lease = this.leases.get(id);
    if (!lease) return this.notFoundOrRevoked(id);
    await this.release(lease);
    return { ok: true, lease };
  }

  /** A revoked lease's holder is told once, on its next call; after that the id is unknown. */
  private async notFoundOrRevoked(id: string): Promise<LeaseOutcome> {
    const record = this.revoked.get(id);
    if (!record)
      return { ok: false, code: "LEASE_NOT_FOUND", message: `No lease ${id} on this server` };
    this.revoked.delete(id);
    await forgetRevocation(this.store, id);
    return {
      ok: false,
      code: "LEASE_REVOKED",
      message: `Lease ${id} of "${record.feature}" was revoked at ${new Date(record.revokedAt).toISOString()} for prioritised user ${record.revokedFor}; check out again`,
    };
  }

  /**
   * After a restart: the server cannot know whether a client kept running while it was down
   * (clients ride out an outage in their grace period), so every restored lease gets one full
   * lease period from now to renew. Stale ones then expire; none is lost to the downtime.
   */
  async resumeLeases(): Promise<number> {
    const now = this.now();
    const renewBy = now + this.options.leaseMs;
    const behind = [...this.leases.values()].filter((lease) => lease.expiresAt < renewBy);
    await Promise.all(
      behind.map((lease) => {
        lease.expiresAt = renewBy;
        return this.store.renewLease(lease.id, lease.lastSeenAt, renewBy);
      }),
    );
    return behind.length;
  }

  /** Frees every lease past its expiry (and forgets old revocations); returns how many. */
  async sweep(): Promise<number> {
    const now = this.now();
    const expired = [...this.leases.values()].filter((lease) => lease.expiresAt <= now);
    const forgotten = [...this.revoked.values()].filter(
      (record) => record.revokedAt <= now - REVOCATION_MEMORY_MS,
    );
    for (const record of forgotten) this.revoked.delete(record.leaseId);
    await Promise.all([
      ...expired.map((lease) => this.release(lease)),
      ...forgotten.map((record) => forgetRevocation(this.store, record.leaseId)),
    ]);
    return expired.length;
  }

  /** Sets the total active under a code; 0 returns them all. */
  async activate(code: string, total: number): Promise<ActivationOutcome> {
    const inUse = this.inUse(`act:${code}`);
    const plan = planActivation(this.entitlements, code, total, inUse);
    if (plan.kind === "error") return { ok: false, code: plan.code, message: plan.message };
    const previous = this.activatedCount(code);
    this.setActivationInMemory(code, total);
    try {
      await this.store.setActivation(code, total, this.now());
    } catch (error) {
      this.setActivationInMemory(code, previous);
      throw error;
    }
    return { ok: true, code, count: total, previous };
  }

  private setActivationInMemory(code: string, count: number): void {
    if (count === 0) this.activations.delete(code);
    else this.activations.set(code, count);
    this.rebuildPools();
  }

  /**
   * A failover backup takes its main's pools and lease table as its own (in memory; the
   * caller persists them). Lease ids stay the same, so clients can renew on either server.
   */
  adoptState(pools: readonly Pool[], leases: readonly Lease[]): void {
    this.mirroredPools = [...pools];
    this.rebuildPools();
    this.leases.clear();
    this.leasesByPool.clear();
    this.freeHandles.length = 0;
    this.nextHandle = Math.max(0, ...leases.map((lease) => lease.handle)) + 1;
    for (const lease of leases) this.addLease({ ...lease });
  }

  /**
   * A main takes over the leases its backup granted or renewed while the main was down
   * (`lastSeenAt` ≥ `seenSince`): unknown ones are added (with a fresh handle if theirs is
   * taken), known ones keep the later expiry. An unknown lease nobody renewed on the backup is
   * one the main had already freed before the backup's last copy, and stays freed.
   */
  async mergeLeases(
    incoming: readonly Lease[],
    seenSince: number,
  ): Promise<{ added: number; renewed: number }> {
    const now = this.now();
    let added = 0;
    let renewed = 0;
    const writes: Promise<void>[] = [];
    const handlesInUse = new Set([...this.leases.values()].map((lease) => lease.handle));
    for (const lease of incoming) {
      if (lease.expiresAt <= now) continue;
      const known = this.leases.get(lease.id);
      if (known) {
        if (lease.expiresAt > known.expiresAt) {
          known.lastSeenAt = Math.max(known.lastSeenAt, lease.lastSeenAt);
          known.expiresAt = lease.expiresAt;
          writes.push(this.store.renewLease(known.id, known.lastSeenAt, known.expiresAt));
          renewed += 1;
        }
        continue;
      }
      if (lease.lastSeenAt < seenSince) continue;
      const handle = handlesInUse.has(lease.handle) ? this.takeHandle() : lease.handle;
      if (handle >= this.nextHandle) this.nextHandle = handle + 1;
      handlesInUse.add(handle);
      const copy = { ...lease, handle };
      this.addLease(copy);
      writes.push(this.store.insertLease(copy));
      added += 1;
    }
    await Promise.all(writes);
    return { added, renewed };
  }

  /**
   * Sets several activation totals at once, all or nothing: every change is checked first,
   * then all are written in one transaction together with `alsoWrite` (the caller's record
   * of why). Nothing changes when one of them is refused or the write fails.
   */
  async setActivations(
    totals: ReadonlyArray<{ code: string; count: number }>,
    alsoWrite: () => void = () => undefined,
  ): Promise<
    | { ok: true; changes: Array<{ code: string; count: number; previous: number }> }
    | { ok: false; code: ActivationErrorCode; message: string }
  > {
    for (const { code, count } of totals) {
      const plan = planActivation(this.entitlements, code, count, this.inUse(`act:${code}`));
      if (plan.kind === "error") return { ok: false, code: plan.code, message: plan.message };
    }
    const changes = totals.map(({ code, count }) => ({
      code,
      count,
      previous: this.activatedCount(code),
    }));
    const now = this.now();
    await this.store.write(() => {
      for (const change of changes) this.store.writeActivationNow(change.code, change.count, now);
      alsoWrite();
    });
    for (const change of changes) this.setActivationInMemory(change.code, change.count);
    return { ok: true, changes };
  }

  private rebuildPools(): void {
    if (this.mirroredPools) {
      this.poolList = this.mirroredPools;
      return;
    }
    const activated = this.entitlements
      .filter((entry) => (this.activations.get(entry.code) ?? 0) > 0)
      .map((entry) => poolFromActivation(entry, this.activations.get(entry.code) ?? 0));
    this.poolList = [...this.licensePools, ...activated];
  }

  private async release(lease: Lease): Promise<void> {
    if (!this.leases.has(lease.id)) return;
    this.removeLease(lease);
    try {
      await this.store.deleteLease(lease.id);
    } catch (error) {
      this.addLease(lease);
      throw error;
    }
  }

  private addLease(lease: Lease): void {
    const freed = this.freeHandles.indexOf(lease.handle);
    if (freed >= 0) this.freeHandles.splice(freed, 1);
    this.leases.set(lease.id, lease);
    let set = this.leasesByPool.get(lease.poolId);
    if (!set) {
      set = new Set();
      this.leasesByPool.set(lease.poolId, set);
    }
    set.add(lease);
  }

  private removeLease(lease: Lease): void {
    this.leases.delete(lease.id);
    this.leasesByPool.get(lease.poolId)?.delete(lease);
    this.freeHandles.push(lease.handle);
  }

  private takeHandle(): number {
    const reused = this.freeHandles.pop();
    if (reused !== undefined) return reused;
    const handle = this.nextHandle;
    this.nextHandle += 1;
    return handle;
  }
}
