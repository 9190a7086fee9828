import {
  LicenseServerError,
  ServerUnreachableError,
  type CheckoutParams,
  type ClientOptions,
  type LeaseView,
} from "./client.js";
import {
  readClientState,
  rememberLease,
  standingOf,
  withStateLock,
  writeClientState,
  type HeldLease,
  type Standing,
} from "./client-state.js";
import { leaseClientFor, type LeaseCalls } from "./failover/client.js";

/** Script-facing operations: a lease is remembered in a state file between invocations. */
export interface SessionOptions {
  statePath: string;
  now?: () => number;
  client?: Omit<ClientOptions, "baseUrl">;
}

export interface LeaseReport {
  server: string;
  leaseId: string;
  feature: string;
  count: number;
  standing: Standing | { state: "lost"; code: string; message: string };
}

export function checkoutAndRemember(
  server: string,
  params: CheckoutParams,
  options: SessionOptions,
): Promise<LeaseView> {
  return withStateLock(options.statePath, () => checkoutUnlocked(server, params, options));
}

async function checkoutUnlocked(
  server: string,
  params: CheckoutParams,
  options: SessionOptions,
): Promise<LeaseView> {
  const now = options.now ?? Date.now;
  const client = leaseClientFor(server, options.client);
  try {
    const lease = await client.checkout(params);
    writeClientState(
      options.statePath,
      rememberLease(readClientState(options.statePath), server, lease, now()),
    );
    return lease;
  } finally {
    await client.close();
  }
}

/**
 * Renews every remembered lease. A lease the server no longer knows is "lost" and forgotten;
 * one whose server cannot be reached enters (or stays in) its grace period.
 */
export function refreshLeases(graceMs: number, options: SessionOptions): Promise<LeaseReport[]> {
  return withStateLock(options.statePath, () => refreshUnlocked(graceMs, options));
}

async function refreshUnlocked(graceMs: number, options: SessionOptions): Promise<LeaseReport[]> {
  const now = options.now ?? Date.now;
  const state = readClientState(options.statePath);
  const kept: HeldLease[] = [];
  const reports: LeaseReport[] = [];
  const clients = new Map<string, LeaseCalls>();
  try {
    for (const held of state.leases) {
      let client = clients.get(held.server);
      if (!client) {
        client = leaseClientFor(held.server, options.client);
        clients.set(held.server, client);
      }
      const base = {
        server: held.server,
        leaseId: held.lease.id,
        feature: held.lease.feature,
        count: held.lease.count,
      };
      try {
        const lease = await client.heartbeat(held.lease.id);
        const renewed: HeldLease = {
          server: held.server,
          lease,
          validatedAt: new Date(now()).toISOString(),
        };
        kept.push(renewed);
        reports.push({ ...base, standing: standingOf(renewed, now(), graceMs) });
      } catch (error) {
        if (error instanceof ServerUnreachableError) {
          const waiting: HeldLease = {
            ...held,
            unreachableSince: held.unreachableSince ?? new Date(now()).toISOString(),
          };
          kept.push(waiting);
          reports.push({ ...base, standing: standingOf(waiting, now(), graceMs) });
        } else if (error instanceof LicenseServerError) {
          reports.push({
            ...base,
            standing: { state: "lost", code: error.code, message: error.serverMessage },
          });
        } else {
          throw error;
        }
      }
    }
  } finally {
    await Promise.all([...clients.values()].map((client) => client.close()));
  }
  writeClientState(options.statePath, { version: 1, leases: kept });
  return reports;
}

/** Checks remembered leases in (all, or those matching a lease id or feature name); returns those released. */
export function checkinRemembered(
  selector: string | undefined,
  options: SessionOptions,
): Promise<HeldLease[]> {
  return withStateLock(options.statePath, () => checkinUnlocked(selector, options));
}

async function checkinUnlocked(
  selector: string | undefined,
  options: SessionOptions,
): Promise<HeldLease[]> {
  const state = readClientState(options.statePath);
  const chosen = (held: HeldLease) =>
    selector === undefined ||
    held.lease.id === selector ||
    held.lease.feature.toLowerCase() === selector.toLowerCase();
  const kept: HeldLease[] = [];
  const released: HeldLease[] = [];
  for (const held of state.leases) {
    if (!chosen(held)) {
      kept.push(held);
      continue;
    }
    const client = leaseClientFor(held.server, options.client);
    try {
      await client.checkin(held.lease.id);
    } catch (error) {
      // a lease the server has already freed (or revoked for a priority user) is checked in
      // as far as anyone cares
      if (!(
        error instanceof LicenseServerError &&
        (error.code === "LEASE_NOT_FOUND" || error.code === "LEASE_REVOKED")
      )) {
        writeClientState(options.statePath, {
          version: 1,
          leases: [...kept, ...state.leases.slice(state.leases.indexOf(held))],
        });
        throw error;
      }
    } finally {
      await client.close();
    }
    released.push(held);
  }
  writeClientState(options.statePath, { version: 1, leases: kept });
  return released;
}
