import type { LicenseUse } from "../../parsers/types.js";
import { groupBy } from "../group-by.js";
import { normalHost, sameHost, shortName } from "../reconcile/host-names.js";
import { slurmLicenseName } from "./licenses-env.js";
import type { SlurmResource } from "./sacctmgr-parse.js";
import type {
  ReservedLicense,
  SlurmLicense,
  SlurmReservation,
  SlurmVersion,
} from "./scontrol-parse.js";
import { supportsLastConsumed } from "./scontrol-parse.js";
import { holdsLicenses, type SlurmJob } from "./squeue-parse.js";

/** A feature as the license server reported it this cycle (only features whose server answered). */
export interface ServerFeature {
  productName: string;
  featureName: string;
  /** license server type, the `@type` part of the Slurm name */
  type: string;
  total: number;
  used: number;
  /** who holds seats on the server: matched against bookings to tell which are in use */
  uses: readonly LicenseUse[];
}

/** A booking made by the prolog for a Slurm job, as the API lists it. */
export interface JobBooking {
  slurmJobId: string;
  username: string;
  leadHost: string;
  productName: string;
  featureName: string;
  quantity: number;
}

/** What Slurm holds now. */
export interface SlurmState {
  version: SlurmVersion;
  resources: readonly SlurmResource[];
  licenses: readonly SlurmLicense[];
  jobs: readonly SlurmJob[];
  reservation: SlurmReservation | undefined;
}

export interface PlanOptions {
  cluster: string;
  reservationName: string;
  reservationUser: string;
  /** the reservation ends this long after the last update, so a dead agent frees the seats */
  reservationMinutes: number;
  /**
   * Slurm license names whose license server failed this cycle: their current block is kept
   * as it is rather than dropped (a failure never turns into free seats).
   */
  heldLicenses?: readonly string[];
  /** force a mode; by default lastconsumed where Slurm supports it (23.02+) */
  mode?: BlockingMode;
}

export type BlockingMode = "reservation" | "lastconsumed";

export type SlurmAction =
  | {
      kind: "add-resource";
      license: string;
      name: string;
      server: string;
      serverType: string;
      count: number;
      cluster: string;
    }
  | { kind: "add-cluster"; license: string; name: string; server: string; cluster: string }
  | {
      kind: "set-count";
      license: string;
      name: string;
      server: string;
      count: number;
      previous: number;
    }
  | {
      kind: "set-lastconsumed";
      license: string;
      name: string;
      server: string;
      lastConsumed: number;
    }
  | {
      kind: "create-reservation";
      reservation: string;
      user: string;
      minutes: number;
      licenses: ReservedLicense[];
    }
  | {
      kind: "update-reservation";
      reservation: string;
      user: string;
      minutes: number;
      licenses: ReservedLicense[];
    }
  | { kind: "delete-reservation"; reservation: string };

/** The numbers behind one feature's decision, for logs and status. */
export interface FeatureDecision {
  license: string;
  total: number;
  usedOnServer: number;
  usedBySlurmJobs: number;
  bookedNotYetInUse: number;
  /**
   * seats Slurm must not promise: usedOnServer − usedBySlurmJobs + bookedNotYetInUse, clamped
   * to [0, total] (to this cluster's share of total when its PercentAllowed is below 100)
   */
  blocked: number;
}

export interface ReconcilePlan {
  mode: BlockingMode;
  actions: SlurmAction[];
  features: FeatureDecision[];
}

/**
 * Decides what Slurm must change so that its license counts match the license servers and
 * seats used outside the cluster are not promised to jobs. Pure: no I/O.
 */
export function planReconcile(
  features: readonly ServerFeature[],
  bookings: readonly JobBooking[],
  slurm: SlurmState,
  options: PlanOptions,
): ReconcilePlan {
  const mode =
    options.mode ?? (supportsLastConsumed(slurm.version) ? "lastconsumed" : "reservation");
  const activeJobs = new Set(slurm.jobs.filter(holdsLicenses).map((job) => job.jobId));
  const licensesByName = new Map(
    slurm.licenses.map((license) => [license.name.toLowerCase(), license]),
  );
  // indexed once: a large site has thousands of features, bookings and resource rows
  const bookingsByFeature = groupBy(
    bookings.filter((booking) => activeJobs.has(booking.slurmJobId)),
    (booking) => featureKey(booking.productName, booking.featureName),
  );
  const resourceRows = groupBy(slurm.resources, (resource) =>
    resourceKey(resource.name, resource.server),
  );
  const actions: SlurmAction[] = [];
  const decisions: FeatureDecision[] = [];

  for (const feature of uniqueFeatures(features)) {
    const license = slurmLicenseName(feature.productName, feature.featureName, feature.type);
    const name = `${feature.productName}.${feature.featureName}`.toLowerCase();
    const server = feature.type.toLowerCase();
    const rows = resourceRows.get(resourceKey(name, server)) ?? [];
    actions.push(...resourceActions(license, name, server, feature.total, rows, options.cluster));

    const usedBySlurmJobs = licensesByName.get(license)?.used ?? 0;
    const featureBookings =
      bookingsByFeature.get(featureKey(feature.productName, feature.featureName)) ?? [];
    const bookedNotYetInUse = bookedButNotCheckedOut(featureBookings, feature.uses);
    // Slurm rejects a reservation asking for more than this cluster's share of the count
    const slurmTotal = Math.floor((feature.total * clusterShare(rows, options.cluster)) / 100);
    const blocked = clamp(feature.used - usedBySlurmJobs + bookedNotYetInUse, 0, slurmTotal);
    decisions.push({
      license,
      total: feature.total,
      usedOnServer: feature.used,
      usedBySlurmJobs,
      bookedNotYetInUse,
      blocked,
    });

    if (mode === "lastconsumed") {
      // Slurm takes LastDeficit = LastConsumed − Used − (Count − this cluster's Total) off
      // Free, so this makes the deficit exactly `blocked`
      const lastConsumed = Math.min(
        feature.total,
        usedBySlurmJobs + blocked + (feature.total - slurmTotal),
      );
      const current = rows[0]?.lastConsumed;
      if (current !== lastConsumed)
        actions.push({ kind: "set-lastconsumed", license, name, server, lastConsumed });
    }
  }

  if (mode === "reservation") {
    actions.push(...reservationActions(decisions, slurm.reservation, options));
  } else if (slurm.reservation !== undefined) {
    actions.push({ kind: "delete-reservation", reservation: options.reservationName });
  }
  return { mode, actions, features: decisions };
}

function uniqueFeatures(features: readonly ServerFeature[]): ServerFeature[] {
  const seen = new Map<string, ServerFeature>();
  for (const feature of features) {
    const key = slurmLicenseName(feature.productName, feature.featureName, feature.type);
    if (!seen.has(key)) seen.set(key, feature);
  }
  return [...seen.values()];
}

function featureKey(productName: string, featureName: string): string {
  return JSON.stringify([productName.toLowerCase(), featureName.toLowerCase()]);
}

function resourceKey(name: string, server: string): string {
  return JSON.stringify([name, server]);
}

/** This cluster's PercentAllowed for a resource (its sacctmgr rows); 100 when it is being added. */
function clusterShare(rows: readonly SlurmResource[], cluster: string): number {
  const row = rows.find((resource) => resource.cluster?.toLowerCase() === cluster.toLowerCase());
  return Math.min(100, row?.allowed ?? 100);
}

/** What makes the resource's sacctmgr rows (one per cluster) carry this feature's count. */
function resourceActions(
  license: string,
  name: string,
  server: string,
  total: number,
  rows: readonly SlurmResource[],
  cluster: string,
): SlurmAction[] {
  const first = rows[0];
  if (first === undefined) {
    return [
      { kind: "add-resource", license, name, server, serverType: server, count: total, cluster },
    ];
  }
  const actions: SlurmAction[] = [];
  if (first.count !== total)
    actions.push({ kind: "set-count", license, name, server, count: total, previous: first.count });
  if (!rows.some((resource) => resource.cluster?.toLowerCase() === cluster.toLowerCase())) {
    actions.push({ kind: "add-cluster", license, name, server, cluster });
  }
  return actions;
}

/**
 * Seats booked by running jobs that the license server does not yet show as checked out
 * by the job's user on its lead host (sameHost). Each server use is matched at most once.
 */
function bookedButNotCheckedOut(
  bookings: readonly JobBooking[],
  uses: readonly LicenseUse[],
): number {
  // grouped by user and short name; sameHost then decides within a group
  const remaining = groupBy(
    uses.map((use) => ({ ...use })),
    (use) => holderKey(use.username, use.host),
  );
  let notInUse = 0;
  for (const booking of bookings) {
    let needed = booking.quantity;
    for (const use of remaining.get(holderKey(booking.username, booking.leadHost)) ?? []) {
      if (needed === 0) break;
      if (!sameHost(use.host, booking.leadHost)) continue;
      const taken = Math.min(needed, use.count);
      use.count -= taken;
      needed -= taken;
    }
    notInUse += needed;
  }
  return notInUse;
}

function holderKey(username: string, host: string): string {
  return JSON.stringify([username.toLowerCase(), shortName(normalHost(host))]);
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

function reservationActions(
  decisions: readonly FeatureDecision[],
  current: SlurmReservation | undefined,
  options: PlanOptions,
): SlurmAction[] {
  const wanted = new Map<string, number>();
  for (const decision of decisions) {
    if (decision.blocked > 0) wanted.set(decision.license, decision.blocked);
  }
  const held = new Set((options.heldLicenses ?? []).map((name) => name.toLowerCase()));
  const decided = new Set(decisions.map((decision) => decision.license));
  for (const reserved of current?.licenses ?? []) {
    if (held.has(reserved.name) && !decided.has(reserved.name)) {
      wanted.set(reserved.name, reserved.count);
    }
  }
  const licenses = [...wanted.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => ({ name, count }));
  const target = {
    reservation: options.reservationName,
    user: options.reservationUser,
    minutes: options.reservationMinutes,
  };
  if (licenses.length === 0) {
    return current === undefined
      ? []
      : [{ kind: "delete-reservation", reservation: options.reservationName }];
  }
  // An existing reservation is updated every cycle, even unchanged, to push its end time on.
  return [
    {
      kind: current === undefined ? "create-reservation" : "update-reservation",
      ...target,
      licenses,
    },
  ];
}
